"""What the surveys app tells the apps above it (reviews: the customer part of a 360° review).

:data:`survey_changed` is sent inside the transaction of a survey's answer or cancellation with
``rep_id`` and ``period_key`` (the quarter whose satisfaction changed); receivers run
synchronously, so a rolled-back answer changes nothing."""

from django.dispatch import Signal

survey_changed = Signal()
