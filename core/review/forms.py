from django import forms

from core.validators import COMMENT_LENGTH


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="审核意见",
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明需要修改或补充的内容，填报人会看到这段意见。",
    )
