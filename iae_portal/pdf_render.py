"""The WeasyPrint half of ``iae_portal.pdf``: imported when a PDF is first rendered, not at
start-up (WeasyPrint is ≈ 23 MB and 0.8 s of every process's start, a command's included,
where most never render a PDF). Use ``iae_portal.pdf``, which loads this module."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticOnlyFetcher(URLFetcher):
    """Serves files under ``root`` and nothing else; refused URLs are listed."""

    def __init__(self, root):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
        self.root = Path(root).resolve()
        self.refused = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(url2pathname(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        raise ValueError(f"A document fetches nothing outside static/: {url}")


def write_pdf(html, *, base_url, fetcher):
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(pdf_tags=True)
