# syntax=docker/dockerfile:1
# govflow image: one image for web, Celery worker and Celery beat (see docker-compose.yml).

# --- front-end assets: bpmn-js / dmn-js dist bundles from package-lock.json ---
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY webapp/frontend ./webapp/frontend
RUN npm run build:modeler

# --- application ---
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first (pinned in pyproject.toml), so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY . .
COPY --from=assets /app/node_modules ./node_modules
COPY --from=assets /app/webapp/static/js/modeler ./webapp/static/js/modeler
RUN pip install --no-deps -e . \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 govflow \
    && mkdir -p /app/media \
    && chown govflow:govflow /app/media

USER govflow
EXPOSE 8000
# The demo centre (and its superuser with the published password) only with GOVFLOW_SEED_DEMO=1.
CMD ["sh", "-c", "python manage.py migrate --noinput && if [ \"${GOVFLOW_SEED_DEMO:-0}\" = 1 ]; then python manage.py seed_demo; fi && exec python manage.py serve 0.0.0.0:8000"]
