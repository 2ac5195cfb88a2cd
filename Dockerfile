# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=salesperf.settings.production \
    SALESPERF_VAR_DIR=/app/var

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build-only-collectstatic-key DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 salesperf \
    && mkdir -p /app/var \
    && chown -R salesperf /app/var

USER salesperf
EXPOSE 8000
# gunicorn takes its number of workers from WEB_CONCURRENCY (docker-compose.yml sets it).
CMD ["gunicorn", "salesperf.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
