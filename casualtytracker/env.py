"""Reading settings from the environment: the two spellings every settings module shares."""

import os


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no setting: 1, true, yes, on (any case) mean yes."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated setting into a list, ignoring blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def debug_on() -> bool:
    """DJANGO_DEBUG: development (runserver, tests over http, demo accounts) when on; production, the default, when off."""
    return env_bool("DJANGO_DEBUG", default=False)
