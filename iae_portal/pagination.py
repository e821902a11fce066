"""Page sizes offered by the lists (``?per_page=``)."""

from .params import int_param

PAGE_SIZES = (25, 50, 100)


def page_size(request):
    """The requested page size if it is one of ``PAGE_SIZES``, else the first."""
    size = int_param(request.GET.get("per_page", ""))
    return size if size in PAGE_SIZES else PAGE_SIZES[0]
