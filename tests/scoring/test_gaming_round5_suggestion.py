"""A hedge stack around a placeholder is not a suggestion; a concrete step still is (issue 16, round 5).

Round 4's suite caught bare modal stacks ("you should, you could, you might"). The holes left open
dressed the stack up: hedges piled on a vague verb ("have you considered maybe possibly thinking about
trying something?"), placeholder objects ("options", "approaches", "steps", "solutions"), when with no
step ("going forward", "soon", "at the right time"), and advice about advice ("my recommendation would
be to do what is recommended"). "I suggest you consider options and think about approaches going
forward." scored 100. Each gamed reply here must score below its honest twin, which answers the same
line with a concrete action, and never reach `detected`; the scorecard says why it did not count.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_CHARGED = "You charged me twice this month and my rent goes out on Friday."
_INVOICE = "If the invoice isn't paid this month our budget closes and we lose the line item."
_ONBOARDING = "Half my new hires still can't log in to the ticketing tool after a week."
_RENEWAL = "Finance wants to cut the licence count before renewal and I don't know which seats are idle."
_BURNOUT = "I'm working every weekend to keep up and I'm exhausted."
_MEETING = "The weekly status meeting runs two hours and nobody decides anything."
_OUTAGE = "Our checkout went down twice yesterday and customers are emailing us about it."
_LOOKING = "I've been applying for jobs for three months and haven't heard back from anyone."

# (context, honest reply with a concrete step, gamed reply that only gestures at one)
PAIRS: tuple[tuple[str, str, str], ...] = (
    # the hedge stack on a vague verb
    (_CHARGED,
     "Let's refund the duplicate charge today and I'll call you tomorrow at 10 to confirm it landed.",
     "Have you considered maybe possibly thinking about perhaps trying something?"),
    # placeholder objects with a "going forward" tail
    (_INVOICE,
     "Try sending the invoice before Friday's cut-off so it clears this month.",
     "I suggest you consider options and think about approaches going forward."),
    (_INVOICE,
     "Could you ask your finance contact to approve the invoice by Thursday, so it lands before the books close?",
     "You might want to try to maybe look into doing something different perhaps."),
    # advice about advice
    (_ONBOARDING,
     "I'd reset the new hires' passwords in one batch this afternoon and send them the login link with a two-line guide.",
     "My recommendation would be to do what is recommended, as I recommend."),
    (_ONBOARDING,
     "One option is to pair each new hire with a buddy who walks them through their first ticket on Monday.",
     "As a suggestion, I'd suggest following my suggestion and doing what I suggested."),
    # generic verbs that only a real object would make a step
    (_RENEWAL,
     "Pull the last-login report for every seat and cut the ones nobody has opened since March.",
     "You should definitely check out your options and make a plan."),
    (_RENEWAL,
     "How about we export the usage log this week and mark the seats with no logins in ninety days?",
     "It would be a good idea to take some steps in the right direction."),
    # when, with no what
    (_BURNOUT,
     "Could you block Saturdays off in your calendar this month and tell your manager which two tasks will move?",
     "Going forward, you should definitely take action on this sooner rather than later."),
    (_MEETING,
     "Try cutting the status meeting to 30 minutes with a written update posted the night before.",
     "Maybe you could perhaps start making some positive changes in your approach."),
    # the whole vocabulary of advice, with no advice in it
    (_OUTAGE,
     "I'd put a status banner on the checkout page now and email yesterday's affected customers a short apology with the fix.",
     "I recommend you take the appropriate measures to address the situation."),
    (_LOOKING,
     "Why not ask two people in the field for a 20-minute chat about how they got hired, and tailor your CV to what they say?",
     "You might want to look at your options, think about your approach, and figure out a strategy."),
    # the rep's own commitment with nothing committed to
    (_CHARGED,
     "Here's what I'll do: I'll refund the duplicate charge today and call you tomorrow at 10.",
     "I'll look into things and get back to you with some options soon."),
)


@pytest.mark.parametrize(("context", "honest", "gamed"), PAIRS, ids=[g[:40] for _, _, g in PAIRS])
def test_a_hedge_stack_around_a_placeholder_scores_below_a_concrete_step_and_never_counts(context: str, honest: str, gamed: str) -> None:
    good = score_reply("suggestion", honest, context)
    bad = score_reply("suggestion", gamed, context)
    assert good.detected, (honest, good.score, good.reason)
    assert not bad.detected, (gamed, bad.score)
    assert bad.score < good.score, (gamed, bad.score, honest, good.score)


@pytest.mark.parametrize(
    "gamed",
    [
        "Let's figure out some next steps together and go from there.",
        "Try to work on things and focus on solutions.",
        "How about we explore some alternatives and see what works best?",
        "I'd suggest finding a solution that works.",
        "Why don't you try to figure out a strategy that works for you?",
        "Could you perhaps try to consider possibly doing things differently?",
    ],
)
def test_the_scorecard_says_why_a_placeholder_suggestion_did_not_count(gamed: str) -> None:
    result = score_reply("suggestion", gamed, _MEETING)
    assert not result.detected
    assert result.reason and "concrete" in result.reason


@pytest.mark.parametrize(
    ("context", "reply"),
    [
        # short commands carry their own action in context
        (_LOOKING, "Just be yourself."),
        (_BURNOUT, "Talk to someone you trust about it."),
        (_BURNOUT, "Best thing to do is take care of yourself right now."),
        # a placeholder beside a real thing is still a step
        (_CHARGED, "Call your bank about your options for holding the rent payment until the refund lands."),
        # the rep's own commitment with an owner, an action and a time
        (_OUTAGE, "I'll email every customer who hit the error yesterday with a 10% code by 5 pm today."),
    ],
)
def test_honest_steps_still_count_beside_the_placeholder_rule(context: str, reply: str) -> None:
    result = score_reply("suggestion", reply, context)
    assert result.detected, (reply, result.score, result.reason)
