FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY iae_portal iae_portal
COPY structures structures
COPY aides aides
COPY dla dla
COPY clauses clauses
RUN pip install .
COPY . .
# collectstatic loads the production settings, which refuse a short key: a throwaway one.
RUN DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=build \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput

RUN useradd --system --home /app portail && mkdir -p /app/var && chown portail /app/var
USER portail
EXPOSE 8000
CMD ["gunicorn", "iae_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
