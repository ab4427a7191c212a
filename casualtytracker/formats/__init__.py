"""The project's own format overrides (settings.FORMAT_MODULE_PATH): ISO dates typed in every language."""
