"""Models are the field dictionary: every field says what it means."""

from django.apps import apps


def test_every_field_has_help_text():
    missing = []
    for label in ("incidents", "sources"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if field.auto_created or not field.concrete or field.name == "id":
                    continue
                if not str(getattr(field, "help_text", "")).strip():
                    missing.append(f"{model.__name__}.{field.name}")
    assert missing == []
