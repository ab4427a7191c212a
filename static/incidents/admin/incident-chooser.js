'use strict';
// The admin's autocompletes on a page with an incident chooser (incidents/admin/chooser.py).
//
// 1. The incident chooser sends hints with each search: the date typed in the field named by
//    data-near-date-field and the report chosen in data-near-report-field (or data-near-report, the
//    report whose page this is), so the server ranks the closest incidents first.
// 2. Never pick while still searching: Enter picks the highlighted result only once the list on screen
//    answers the text typed. Until then select2 still shows the previous list (or the one it opened
//    with), and Enter would pick its first row: a wrong incident, silently. A click on a row the
//    person can see is theirs to make. Closing the list (Tab) never picks (data-select-on-close).
//
// Loaded after Django's admin/js/autocomplete.js, before the page is ready: it replaces the
// initialiser that autocomplete.js runs on ready and on each added inline row.
{
    const $ = django.jQuery;

    function hints(element) {
        const form = element.form;
        const read = (name) => {
            const field = name && form ? form.elements.namedItem(name) : null;
            return field && field.value ? field.value : '';
        };
        const found = {};
        const date = read(element.dataset.nearDateField);
        const report = element.dataset.nearReport || read(element.dataset.nearReportField);
        if (date) {
            found.near_date = date;
        }
        if (report) {
            found.near_report = report;
        }
        return found;
    }

    function neverPickWhileSearching(element) {
        const select2 = $(element).data('select2');
        if (!select2 || element.dataset.pickGuard) {
            return;
        }
        element.dataset.pickGuard = 'on';
        let answered = null;  // the text whose results are on screen; null until the first answer
        select2.on('query', () => {
            element.dataset.searching = 'true';
        });
        select2.on('results:all', (params) => {
            answered = (params.query && params.query.term) || '';
            element.dataset.searching = 'false';
        });
        $(element).on('select2:selecting', (event) => {
            const args = event.params && event.params.args;
            if (args && args.originalEvent && args.originalEvent.originalEvent) {
                return;  // a row the person clicked (a real mouse event, not one select2 made up)
            }
            const search = select2.dropdown && select2.dropdown.$search;
            const typed = search ? (search.val() || '') : '';
            if (answered === null || answered !== typed) {
                event.preventDefault();
            }
        });
    }

    $.fn.djangoAdminSelect2 = function() {
        $.each(this, function(i, element) {
            $(element).select2({
                ajax: {
                    data: (params) => Object.assign({
                        term: params.term,
                        page: params.page,
                        app_label: element.dataset.appLabel,
                        model_name: element.dataset.modelName,
                        field_name: element.dataset.fieldName
                    }, hints(element))
                }
            });
            neverPickWhileSearching(element);
        });
        return this;
    };
}
