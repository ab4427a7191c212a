from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    NEWS_OUTLET = "news_outlet", _("news outlet")
    MONITORING_GROUP = "monitoring_group", _("monitoring group")
    NGO = "ngo", _("NGO")
    MILITARY = "military", _("belligerent / military")
    GOVERNMENT = "government", _("government")
    LOCAL_AUTHORITY = "local_authority", _("local authority")
    SOCIAL_MEDIA = "social_media", _("social-media account")
    COMMUNITY = "community", _("community / witness")


class ReportKind(models.TextChoices):
    ARTICLE = "article", _("article")
    PRESS_RELEASE = "press_release", _("press release")
    MONITOR_REPORT = "monitor_report", _("monitor report")
    SOCIAL_POST = "social_post", _("social-media post")
    VIDEO = "video", _("video")
    OFFICIAL_ASSESSMENT = "official_assessment", _("official assessment")
    DATASET_RECORD = "dataset_record", _("dataset record")
