"""The reader's comment form: plain text only, with a honeypot and a signed timestamp."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from metsinfo.comments.models import Comment
from metsinfo.comments.spam import needs_new_timestamp, sign_timestamp, timestamp_problem
from metsinfo.lib.characters import hidden_character

#: What the reader is told for each kind of refused character (metsinfo.lib.characters).
_HIDDEN_CHARACTER_MESSAGES = {
    "control": _("This contains invisible control characters. Please retype it."),
    "direction": _("This contains characters that change the direction of the text. Please retype it without them."),
    "invisible": _("This contains invisible zero-width characters. Please retype it."),
}


class CommentForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to my comment being stored and, if approved, shown."),
        error_messages={
            "required": _("Tick the box to agree to the privacy notice, so that we can store your comment.")
        },
    )
    # A field people never see or fill in; bots that fill every field are caught by it. Not
    # stripped: a bot that fills it with spaces is still a bot.
    website = forms.CharField(
        required=False,
        strip=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    timestamp = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["display_name", "role", "body", "email"]
        labels = {
            "display_name": _("Your name (optional)"),
            "role": _("You are (optional)"),
            "body": _("Your comment"),
            "email": _("Your email address (optional)"),
        }
        help_texts = {
            "display_name": _("Shown with your comment. Leave it empty to appear as “Anonymous reader”."),
            "body": _("Plain text. Leave a blank line between paragraphs."),
            "email": _("Only so that we can reply to you privately. It is never shown."),
        }
        widgets = {
            "role": forms.RadioSelect,
            "body": forms.Textarea(attrs={"rows": 7}),
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Prefer not to say")), *Comment.Role.choices]
        self.fields["role"].required = False
        self.fields["body"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH
        self.fields["body"].error_messages["required"] = _("Write your comment before sending it.")
        if not self.is_bound:
            self.initial["timestamp"] = sign_timestamp()
        self._describe_fields()

    def _describe_fields(self) -> None:
        """Tie each input to its hint and error text, so screen readers read them with it."""
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"id_{name}-hint")
            if self.is_bound and name in self.errors:
                ids.append(f"id_{name}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_fields()

    def _clean_text(self, name: str, *, joiners: bool = True) -> str:
        """The site's one rule for hidden characters; a name may not hold the zero-width joiners either."""
        value = self.cleaned_data.get(name, "")
        if found := hidden_character(value, joiners=joiners):
            raise forms.ValidationError(_HIDDEN_CHARACTER_MESSAGES[found.kind])
        return value.strip()

    def clean_display_name(self) -> str:
        return self._clean_text("display_name", joiners=False)

    def clean_body(self) -> str:
        body = self._clean_text("body")
        limit = settings.COMMENTS_MAX_LENGTH
        if len(body) > limit:
            raise forms.ValidationError(
                _("Your comment is %(length)d characters long; the limit is %(limit)d. Please shorten it."),
                params={"length": len(body), "limit": limit},
            )
        return body

    def clean_timestamp(self) -> str:
        value = self.cleaned_data.get("timestamp", "")
        problem = timestamp_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def refresh_timestamp(self) -> None:
        """Let a re-shown form be sent again: replace a forged or expired timestamp, keep a recent one.

        Keeping a recent one means a reader who only ticks a box and resends is not "too fast".
        """
        if needs_new_timestamp(self.data.get("timestamp", "")):
            data = self.data.copy()
            data["timestamp"] = sign_timestamp()
            self.data = data
