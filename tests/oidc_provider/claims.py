"""What the test provider says about its users: a stable subject and the email, verified unless in the group."""

UNVERIFIED = "email-unverified"


def subject(user) -> str:
    return f"subject-{user.username}"


def userinfo(claims, user):
    claims["email"] = user.email
    claims["email_verified"] = not user.groups.filter(name=UNVERIFIED).exists()
    claims["name"] = user.get_full_name() or user.username
    return claims
