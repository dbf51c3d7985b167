"""The API's renderers: JSON, and DRF's browsable pages for a person exploring in a browser."""

import base64
import hashlib

from csp.constants import UNSAFE_INLINE
from django.utils.html import conditional_escape
from rest_framework import renderers
from rest_framework.compat import pygments_css


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, under the site's Content-Security-Policy.

    DRF's own templates place a few controls with `style="..."` attributes and, when Pygments is
    installed, inline its highlighting stylesheet in a <style> element. On these pages alone the
    policy lets style attributes apply (`style-src-attr`) and allows that one stylesheet by its
    hash; scripts stay refused unless they come from this site, as everywhere else.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            update = {"style-src-attr": [UNSAFE_INLINE]}
            css = pygments_css(self.code_style)
            if css:
                # The template writes it autoescaped; the browser hashes the text as written.
                digest = hashlib.sha256(str(conditional_escape(css)).encode()).digest()
                update["style-src"] = [f"'sha256-{base64.b64encode(digest).decode()}'"]
            response._csp_update = update
        return super().render(data, accepted_media_type, renderer_context)


class PDFRenderer(renderers.BaseRenderer):
    """Lets a client ask for a PDF (``Accept: application/pdf``) where an endpoint answers one (the board pack).

    The PDF itself is returned whole by the view; what this renderer meets is a refusal, which it writes
    as the API's usual JSON, saying so in the Content-Type."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)
