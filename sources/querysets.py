from django.db import models


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources that may be named publicly (confidential ones show only their generic label)."""
        return self.filter(is_confidential=False)


class ReportQuerySet(models.QuerySet):
    pass
