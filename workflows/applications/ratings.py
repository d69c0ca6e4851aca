"""好差评: the applicant's one rating of an issued case, delivered to the waiting application process.

服务承诺制 (seed 003): the applicant rates the service once the result is issued; a bad rating (不满意, 非常不满意)
opens a rectification by the department with a deadline, and the department's reply is kept on the rating and shown
to the applicant. The applicant is identified by the case number and the phone given at intake, as the public
look-up does; a wrong pair is refused without saying whether the number exists.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from workflows.applications.intake import ApplicationRefused
from workflows.applications.lookup import find_case
from workflows.applications.models import Application, Rating
from workflows.org.models import Official
from workflows.org.selectors import working_calendar
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.models import ProcessInstance
from workflows.runtime.services.messages import deliver_message

RATING_MESSAGE = "办件评价"
RECTIFICATION_DAYS = 5  # working days the department has to answer a bad rating


def rate_application(number: str, phone: str, score: int, comment: str = "") -> Rating:
    """The applicant's rating, identified by the case number and the phone given at intake (matched as the look-up
    matches them); a wrong pair is refused like an unknown number."""
    application = find_case(number, phone)
    if application is None:
        raise ApplicationRefused(_("No case matches this number and phone."), "number")
    return rate_case(application, score, comment)


def can_be_rated(application: Application) -> bool:
    """Not rated yet, and within its rating period: what the look-up page offers the rating form for."""
    return _rating_period_open(application) and not Rating.objects.filter(application=application).exists()


def _rating_period_open(application: Application) -> bool:
    """Issued, and its process still waiting for the rating."""
    return (application.status == Application.ISSUED and application.instance is not None
            and application.instance.status == ProcessInstance.RUNNING)


@transaction.atomic
def rate_case(application: Application, score: int, comment: str = "") -> Rating:
    """Store the one rating of the case and hand it to its process (which opens a rectification if it is bad)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not isinstance(score, int) or score not in dict(Rating.SCORES):
        raise ApplicationRefused(_("Choose a rating from 1 to 5."), "score")
    if Rating.objects.filter(application=application).exists():
        raise ApplicationRefused(_("This case has already been rated."), "score")
    if not _rating_period_open(application):
        raise ApplicationRefused(_("This case cannot be rated now: only an issued case, within its rating period."))
    rated_at = now()
    bad = score < Rating.BAD_BELOW
    rating = Rating.objects.create(
        application=application, score=score, comment=comment.strip()[:2000], rated_at=rated_at,
        rectification_due_at=working_calendar().deadline(rated_at, RECTIFICATION_DAYS) if bad else None)
    audit.record("application_rated", instance=application.instance, message=str(application),
                 after={"score": score, "comment": rating.comment, "bad": bad})
    deliver_message(RATING_MESSAGE, {"number": application.number}, {"score": score, "bad": bad},
                    caller="好差评")
    return rating


@transaction.atomic
def record_rectification(application: Application, *, reply: str, official: Official) -> Rating:
    """The department's reply to a bad rating, kept on the rating and shown to the applicant."""
    rating = Rating.objects.select_for_update().filter(application=application).first()
    if rating is None or not rating.is_bad:
        raise ApplicationRefused(_("This case has no bad rating to answer."))
    if rating.rectified_at is not None:
        raise ApplicationRefused(_("The bad rating was already answered."))
    if not reply.strip():
        raise ApplicationRefused(_("Write the reply to the applicant."), "reply")
    rating.rectification_reply, rating.rectified_by, rating.rectified_at = reply.strip(), official, now()
    rating.save(update_fields=["rectification_reply", "rectified_by", "rectified_at"])
    audit.record("application_rectified", actor=official, instance=application.instance, message=str(application),
                 after={"reply": rating.rectification_reply})
    return rating
