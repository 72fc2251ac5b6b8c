"""The `serveur_smtp` fixture (tests/smtp.py) really receives what Django's SMTP backend sends."""

from django.core import mail


def test_un_email_envoye_par_django_arrive_sur_le_serveur_smtp_local(serveur_smtp):
    envoyes = mail.send_mail(
        "Objet accentué", "Bonjour,\nCorps du message.", "spaser@example.org", ["agent@example.org"]
    )
    assert envoyes == 1
    [message] = serveur_smtp.attendre(1)
    assert message["Subject"] == "Objet accentué"
    assert message["To"] == "agent@example.org"
    assert "Corps du message." in message.get_body(preferencelist=("plain",)).get_content()
    assert serveur_smtp.enveloppes == [("spaser@example.org", ["agent@example.org"])]
    assert mail.get_connection().__class__.__module__ == "django.core.mail.backends.smtp"
