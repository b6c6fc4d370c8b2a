"""The admin's forms as a browser would post them, read from the page."""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The named fields of the page's main form (the admin's `<model>_form`, or
    `historical<model>_form` on a history version's page)."""

    def __init__(self, form_ids):
        super().__init__()
        self.form_ids, self.inside, self.fields = form_ids, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") in self.form_ids
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if attrs.get("type") in ("checkbox", "radio") else ""
            self.fields.append((attrs["name"], attrs.get("value") or default))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, text.removeprefix("\n")))  # as browsers read it
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_data(response, model):
    name = model._meta.model_name
    parser = FormFields({f"{name}_form", f"historical{name}_form"})
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data
