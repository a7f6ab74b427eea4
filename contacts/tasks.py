from celery import shared_task


@shared_task(acks_late=True)
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    """Look up the accounts behind an address and email each a reset link: done by
    a worker, so the page answers in the same time whether the address is known."""
    from .privacy_forms import PrivacyAwarePasswordResetForm

    form = PrivacyAwarePasswordResetForm(data={"email": email})
    if form.is_valid():
        form.send_reset_emails(domain_override=domain, use_https=use_https)
