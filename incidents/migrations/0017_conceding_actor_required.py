from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0016_fill_conceding_actors"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='casualtyfigure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('basis', 'conceded'), _negated=True), ('conceded_by__isnull', False), ('conceded_by_unknown', True), _connector='OR'), name='figure_conceded_by_named', violation_error_message='A conceded figure needs the belligerent or official body that conceded it.'),
        ),
        migrations.AddConstraint(
            model_name='casualtyfigure',
            constraint=models.CheckConstraint(condition=models.Q(('basis', 'conceded'), models.Q(('conceded_by__isnull', True), ('conceded_by_unknown', False)), _connector='OR'), name='figure_conceded_by_only_conceded', violation_error_message='Only a conceded figure names the actor that conceded it.'),
        ),    ]
