"""The user's earlier answers to a question, from the review log: shown beside the model answer of
open and code questions, so that one sees whether one has improved."""

from __future__ import annotations

from quizzer.records import ReviewRow, review_from_row
from quizzer.store import Store


def previous_answer(store: Store, gid: str) -> ReviewRow | None:
    """The latest review of `gid` that holds an answer (a reveal without typing holds none)."""
    row = store.conn.execute("SELECT * FROM reviews WHERE gid = ? AND response != ''"
                             " ORDER BY reviewed_at DESC, id DESC LIMIT 1", (gid,)).fetchone()
    if row is None:
        return None
    try:
        return review_from_row(row)
    except (ValueError, TypeError):
        store.damaged.add(f"review {row['id']}")
        return None


def previous_line(review: ReviewRow) -> str:
    """'Your previous answer (2026-11-02, rated Good):' in both faces' words."""
    from quizzer.i18n import _
    from quizzer.labels import rating_name

    return _("Your previous answer ({date}, rated {rating}):").format(
        date=review.reviewed_at.astimezone().date().isoformat(), rating=rating_name(review.rating))
