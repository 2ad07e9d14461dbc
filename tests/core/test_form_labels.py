"""An empty choice reads 请选择, never Django's "---------" (issue #28); a field's own empty
label (（全部）) is kept."""

from django import forms

from core.form_labels import LabelledFormRenderer


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")], required=False)
    own = forms.ChoiceField(choices=[("", "（全部）"), ("a", "甲")], required=False)


def test_the_dash_becomes_please_choose_and_own_labels_stay():
    html = _Form(renderer=LabelledFormRenderer()).as_p()
    assert '<option value="" selected>请选择</option>' in html
    assert '<option value="" selected>（全部）</option>' in html
    assert "---------" not in html


def test_the_portal_renders_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), LabelledFormRenderer)
