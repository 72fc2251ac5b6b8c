"""A participant's pseudonymous code: letters (accents allowed), digits and - _ . only, 30 characters at most. It
names the participant's files (subject-access export) and is typed by hand: no quote, line break, space nor
separator (; , / \\)."""

import re

from django.core.validators import RegexValidator

CODE_PARTICIPANT = re.compile(r"[^\W_][\w.-]{0,29}")
CODE_PARTICIPANT_MESSAGE = ("Le code du participant ne contient que des lettres, des chiffres et les signes - _ . "
                            "(30 caractères au plus, sans espace ni guillemet).")

code_participant_valider = RegexValidator(rf"\A{CODE_PARTICIPANT.pattern}\Z", CODE_PARTICIPANT_MESSAGE,
                                          code="code_participant")


def code_participant_valide(code: str) -> bool:
    return bool(CODE_PARTICIPANT.fullmatch(code))
