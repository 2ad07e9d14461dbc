"""One wording for an empty choice: "请选择", never Django's "---------" (issue #28).

Django writes "---------" for the empty option of a model field with choices and of a
foreign key left without an ``empty_label``. Rather than set a label on every such field of
every form, the form renderer reads each select's options as it writes them and names the
empty one; fields that say something more useful (（全部）, （转出本区）) keep their words.
"""

from django.forms.renderers import TemplatesSetting

SELECT_TEMPLATE = "django/forms/widgets/select.html"
DJANGO_DASH = "---------"
EMPTY_CHOICE = "请选择"


class LabelledFormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT_TEMPLATE and isinstance(context, dict) else None
        if widget is not None:
            for _group, options, _index in widget.get("optgroups") or ():
                for option in options:
                    if option.get("value") in ("", None) and option.get("label") == DJANGO_DASH:
                        option["label"] = EMPTY_CHOICE
                break  # the empty option, when there is one, is the first
        return super().render(template_name, context, request)
