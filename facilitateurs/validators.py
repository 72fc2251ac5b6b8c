"""A participant's pseudonymous code: ASCII letters, digits and - _ . only, 30 characters at most. It names the
participant's files (subject-access export) and is typed by hand: no quote, line break, space or accent."""

import re

from django.core.validators import RegexValidator

CODE_PARTICIPANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,29}", re.ASCII)
CODE_PARTICIPANT_MESSAGE = ("Le code du participant ne contient que des lettres sans accent, des chiffres et les "
                            "signes - _ . (30 caractères au plus, sans espace).")

code_participant_valider = RegexValidator(rf"\A{CODE_PARTICIPANT.pattern}\Z", CODE_PARTICIPANT_MESSAGE,
                                          code="code_participant")


def code_participant_valide(code: str) -> bool:
    return bool(CODE_PARTICIPANT.fullmatch(code))
