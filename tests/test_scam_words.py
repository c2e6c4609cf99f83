"""Money and platform words in their ordinary senses are no scam; scams in disguise are.

A note wrongly called a scam is the worst verdict the course can give, so the innocent family is
as large as the guilty one: each note below uses a word that scams also use (the platform, a
meeting, details, winning, late, transfer, fees, returns, released, income, crypto, visa).
"""

from __future__ import annotations

import pytest

import connectwell as cw

RECIPIENT = {"name": "Ana Silva", "company": "Lusa Freight", "skills": ["customs clearance"]}

INNOCENT = [
    "Hi Ana, I read your LinkedIn article on customs delays. Can you confirm the fix works for rail too?",
    "Hi Ana, our late investor meeting ran over, so sorry I missed your talk on customs clearance.",
    "Hi Ana, could you share your details for the speaker badge at the Porto logistics forum?",
    "Hi Ana, we won the regional export award last year with a customs approach like yours.",
    "Hi Ana, I'm moving to Lisbon on a transfer to our EU team and would love your view on customs brokers.",
    "Hi Ana, the conference registration fee is waived for speakers; would you speak on customs clearance?",
    "Hi Ana, we're hiring a customs lead at Tejo Cargo: salary band €55–65k, and we cover the visa fee.",
    "Hi Ana, your post on returns processing for e-commerce parcels is exactly our problem at Douro Shop.",
    "Hi Ana, I run a fintech that gets hauliers paid out faster once invoices are approved; your customs work is why I ask.",
    "Hi Ana, we're raising money for the Porto children's hospital; sponsorship link: justgiving.com/porto-run",
    "Hi Ana, my late flight meant I missed you at the Lisbon customs summit; could we talk this week?",
    "Hi Ana, I manage compliance at a crypto exchange and your customs clearance article answered our audit question.",
    "Hi Ana, there is no registration fee for our customs meetup on Thursday; would you join the panel?",
    "Hi Ana, I took the LinkedIn Learning course you recommended on customs clearance; how did you get certified?",
    "Hi Ana, our side project maps customs codes for small exporters; could I ask how Lusa Freight classifies parts?",
    "Hi Ana, your talk on taxing crypto gains for freight firms was clear; may I cite it in our customs guide?",
    "Hi Ana, our customs fees rose 4% a year since 2022; how does Lusa Freight keep returns processing cheap?",
]

DISGUISED = [
    "Hi Ana, I mentor a few professionals in crypto trading. My students made 30% last month. 2 seats left.",
    "Hi Ana, remote data entry job, 25 USD/hour. A small $30 registration fee covers your starter kit.",
    "Hi Ana, job in Dubai for you, just the visa fee of 300 USD up front to secure it.",
    "Hi Ana, you must pay for your own visa processing first to start the Doha role.",
    "Hi Ana, your grant of 50,000 EUR is approved; the funds are released once you pay the 1% processing tax.",
    "Hi Ana, earn a side income of $500 weekly from your phone, no experience needed.",
    "Hi Ana, join my bіtсоіn group today.",  # Cyrillic і, с, о inside "bitcoin"
    "Hi Ana, іnvеst with us and retire early.",
    "Hi Ana, we want 40 containers through Lusa Freight. Before signing, please pay USD 350 to our clearing agent.",
    "Hi Ana, our Douro vineyard fund pays a fixed 15% p.a. from a minimum of €10k; details on WhatsApp.",
]


@pytest.mark.parametrize("note", INNOCENT)
def test_ordinary_money_and_platform_words_are_no_scam(note: str) -> None:
    finding = cw.check({"message": note, "recipient": RECIPIENT})["no-scam"]
    assert finding.verdict == "pass", finding.message


@pytest.mark.parametrize("note", DISGUISED)
def test_scams_in_disguise_fail_no_scam_with_a_reason(note: str) -> None:
    finding = cw.check({"message": note, "recipient": RECIPIENT})["no-scam"]
    assert finding.verdict == "fail", f"no-scam passed: {note!r}"
    assert "scam" in finding.message and finding.hint


# Found in the blind7 round: ordinary words near money, and scams without the usual words.
MORE_INNOCENT = [
    "Hi Ana, how did Lusa Freight cut wire transfer fees for its Brazil customers? We pay too much.",
    "Hi Ana, could you speak at our Porto evening on inheritance disputes over family-run hauliers?",
    "Hi Ana, a client wants to transfer funds between two customs bonds before her tax return.",
]
MORE_DISGUISED = [
    "Hello Ana, your customs consignment is held at Leixões. Pay €1,200 clearance to our agent today.",
    "Hi Ana, I'll mail a cheque for €6,500 for the pallets; just send the extra €1,500 back to my driver.",
    "Hi Ana, our bank changed, so please send the payment for invoice 4471 to the new account I'll message.",
    "Hello Ana, this is the tax office. A refund is pending: reply with your NIF and banking info today.",
]


@pytest.mark.parametrize("note", MORE_INNOCENT)
def test_more_ordinary_money_words_are_no_scam(note: str) -> None:
    assert cw.check({"message": note, "recipient": RECIPIENT})["no-scam"].verdict == "pass"


@pytest.mark.parametrize("note", MORE_DISGUISED)
def test_scams_without_the_usual_words_fail_no_scam(note: str) -> None:
    assert cw.check({"message": note, "recipient": RECIPIENT})["no-scam"].verdict == "fail", note
