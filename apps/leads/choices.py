from django.db import models
from django.utils.translation import gettext_lazy as _

# Shared vocabulary (customers use them too), defined in core and re-exported here.
from apps.core.choices import CompanySize, Grade  # noqa: F401


class LeadSource(models.TextChoices):
    WEBSITE_INQUIRY = "website_inquiry", _("Website inquiry")
    SOCIAL_MEDIA = "social_media", _("Social media")
    INDUSTRY_PLATFORM = "industry_platform", _("Industry platform")
    COLD_VISIT = "cold_visit", _("Cold visit")
    CHANNEL_REFERRAL = "channel_referral", _("Channel-partner referral")
    CUSTOMER_REFERRAL = "customer_referral", _("Customer referral")
    EXHIBITION = "exhibition", _("Exhibition / summit")


class NeedMatch(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class DecisionComplexity(models.TextChoices):
    COMPLEX = "complex", _("Complex")
    MODERATE = "moderate", _("Moderate")
    SIMPLE = "simple", _("Simple")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    CONVERTED = "converted", _("Converted")
    DISQUALIFIED = "disqualified", _("Disqualified")


#: Allowed lifecycle moves (SPEC §1.1). Conversion goes through the conversion service only.
LEAD_TRANSITIONS = {
    LeadStatus.NEW: {LeadStatus.CONTACTED, LeadStatus.DISQUALIFIED},
    LeadStatus.CONTACTED: {LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED},
    LeadStatus.QUALIFIED: {LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED},
    LeadStatus.CONVERTED: set(),
    LeadStatus.DISQUALIFIED: set(),
}


class TouchChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    PHONE = "phone", _("Phone")
    POST = "post", _("Post")
    VISIT = "visit", _("Visit")


#: Statuses of a lead that is still being worked (graded, nurtured, regraded by the rubric).
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)
