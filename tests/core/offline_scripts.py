"""Scripted reps for every shipped practice scenario: one who does what the scenario teaches, one who pitches.

The good lines name the scenario's topics in a rep's own words and show the
target behaviors; the pitching lines talk product, price and offers. Both are
plain data so a test can play them through the real offline buyer.
"""

from __future__ import annotations

GOOD: dict[str, list[str]] = {
    "discovery-procurement-stall": [
        "Happy to send pricing. Before I do, what's driving this for you right now? What problem are you trying to solve?",
        "How is that affecting the business? What do the late shipments cost you, and who feels it?",
        "What happens if this isn't fixed by the end of the quarter? How would your CFO measure success?",
        "Shall I send a one-page note tied to the chargebacks on Thursday so you can take it to the CFO?",
    ],
    "pricing-objection": [
        "That's a fair concern, thirty percent is a real gap to explain. What's behind the comparison for you?",
        "What would your COO need to see to sign off on a higher number?",
        "Beyond price, what matters most to you? How did the rollout of your last tool go?",
        "Shall we set up a call on Thursday to walk through a written go-live plan and the residency terms?",
    ],
    "contact-centre-efficiency": [
        "I'm sorry your internet has stopped. Can you tell me what you see on the little box, and has it moved recently?",
        "Thank you. What can you see at the back of the box? Which hole is the grey cable from the wall in?",
        "Step one: take the grey cable out of the yellow hole. Step two: put it in the grey hole marked DSL. What else do you need the internet for today?",
        "Then wait two minutes for the light to go green, and I'll stay on the line with you.",
    ],
    "contact-centre-empathy": [
        "I'm so sorry for your loss. Losing your mum is so hard, and three weeks is no time at all.",
        "Don't worry, we'll take care of this step by step. You don't need probate to get started on closing the account.",
        "Please don't worry about the direct debits. We'll take care of any payments going out, and nothing leaves without you knowing.",
        "That must have been really painful, seeing letters in her name. I'll stop the letters today.",
    ],
    "contact-centre-patience": [
        "Please take your time, there's no rush. Tell me more about what happened with the bill after October.",
        "That sounds really worrying. Is there anything about your health or your wife's that we should know about?",
        "Go on, I'm listening. What happened when you rang before?",
        "Thank you for telling me all that. I'll check the meter readings and put a note about your wife's machine on the account.",
    ],
    "contact-centre-positive-language": [
        "Great choice! What I can do is find you something similar today. When do you need the bike by?",
        "I'd suggest the Tern Junior, a twenty-inch frame with hand brakes, in blue or red. What matters most to you about the bike?",
        "Here's what I can do: we can deliver it by Friday, and I can apply any gift card you have. What budget do you have in mind?",
        "Shall I reserve the blue one for click and collect on Friday?",
    ],
    "contact-centre-trust": [
        "I'm sorry, this is our mistake and I'm going to sort it myself. I can see the double charge on your account.",
        "I'll be honest about the refund: it was never sent, and that's on us. I've raised it now and it will land by Friday.",
        "To be honest, this was our mistake, not the system's, and I take responsibility for it. I can't make the bank move faster, but I can refund the fee today.",
        "I'll call you on Friday at ten to confirm the refund has landed.",
    ],
    "discovery-champion-check": [
        "Glad the demo landed! Before the proposal, what business problem is this solving for you? What's driving it now?",
        "So if I'm hearing you right, the month-end close is the pain, and that's what you want fixed. Who else is involved in the decision?",
        "So what you're saying is it comes down to Elaine's sign-off. Has something like this been tried before? What happened last time?",
        "So if I've understood, last year's project failed because Elaine was surprised by it. What went wrong before, in your words?",
        "Shall I send a short summary you can forward to Elaine, and ask for twenty minutes with her next week?",
    ],
    "enterprise-outage-escalation": [
        "Three hours of failing checkout in your biggest week is awful. What is this outage costing you in lost orders?",
        "That's sixty thousand pounds an hour and a frustrating day for your team. Who are you having to answer to on this?",
        "This has damaged your confidence in us as a partner, and I understand why. What would it take to rebuild that trust?",
        "Before the fix: this has cost you orders, and it has cost us your trust as a partner. Where does that leave the renewal?",
        "The fix is rolling out now; I'll send you the timeline and a written summary within the hour.",
    ],
    "healthcare-scheduling": [
        "No problem at all. It sounds like a stressful time. Which days work best for the MRI?",
        "That's completely understandable, scans can feel scary. Monday or Friday morning?",
        "Is your referral letter still valid? When does it run out?",
        "Friday at nine works. Shall I book that slot now?",
    ],
    "renewal-gone-cold": [
        "No problem, I know it's busy. You bought the platform to cut ramp time for new reps. What's changed since then?",
        "How are the team leads using it now? What does usage look like across the seats?",
        "So your goal was to cut ramp time for new reps, and that is why you bought it. How did the first cohort do?",
        "Shall I put together the first cohort results so you can take them to your new CRO?",
    ],
    "saas-expansion-paraphrase": [
        "Great to hear. What's driving the interest in adding support now? What problem are you trying to solve?",
        "So what you're saying is the handoffs are the real problem: support doesn't know what sales promised. What's the timeline your leadership has in mind?",
        "So if I've got it right, your COO wants one system of record by Q3. Who else needs to be involved, for example the support lead?",
        "Shall I set up a two-week sandbox for Marcus and a session with him next week?",
    ],
    "service-recovery-callback": [
        "I'm sorry nobody called about your claim. I'll make sure the assessor calls you today.",
        "Don't worry, we'll get this sorted. Is there a deadline I should know about, like a contractor or a date?",
        "How are you managing at home without the kitchen? We can look at covering costs.",
        "Priya Shah, your assessor, will call you at four today on a direct number. I'll email it to you now.",
    ],
}

PITCH: list[str] = [
    "Our platform is the market leader, with real-time dashboards and AI routing built in.",
    "We offer a premium package with a ten percent discount if you sign this month.",
    "Our new app has fantastic features that our customers love, and it starts at 40 pounds a month.",
    "Our platform is the market leader, with real-time dashboards and AI routing built in.",
    "We also have an upgrade bundle with extra features at a great price.",
]
