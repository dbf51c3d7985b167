"""The accounts of the test identity provider (made by `seed_provider`), shared with the tests that sign in."""

PASSWORD = "provider-pass-123"
# username, email, whether the provider says the email is verified; the subject is "subject-<username>"
ACCOUNTS = [
    ("rowan", "rowan.hale@dunmarrow.example", True),
    ("una", "una.marsh@dunmarrow.example", False),
    ("ada", "ada.personal@mail.example", True),
    ("nobody", "nobody@elsewhere.example", True),
    ("twin", "shared.inbox@dunmarrow.example", True),
]
