"""The course's notebooks in reading order: one list for every test that checks the layout."""

COURSE_STEMS = [
    "01_start_here",
    "02_why_strangers_connect",
    "03_not_blank",
    "04_personalised",
    "05_explains_fit",
    "06_prompt_reply",
    "07_motive_upfront",
    "08_spam_and_canned",
    "09_message_workshop",
    "10_recruiter_outreach",
]
