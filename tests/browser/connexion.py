"""Logging in through the login page in Chromium, as a user does (the browser tests of every app)."""


def connecter(page, serveur, username, mot_de_passe="demo"):
    """Log `username` in on `serveur` (pytest-django's live_server, or its URL) and wait for its home page."""
    base = getattr(serveur, "url", serveur)
    page.goto(f"{base}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid=home-role]")
