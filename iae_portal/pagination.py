"""Page sizes offered by the lists (``?per_page=``)."""

PAGE_SIZES = (25, 50, 100)


def page_size(request):
    """The requested page size if it is one of ``PAGE_SIZES``, else the first."""
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]
