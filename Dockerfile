# r2p-risk in a container; compose.yaml runs it with PostgreSQL, docs/deploy.md (section 7) says how.
# Stage "build" builds the wheel and installs it, with the runtime lock only, into the virtual
# environment /opt/r2p-risk. The final stage gets that environment alone: no source tree, no test or
# build tools, no pip. .dockerignore keeps .env, secrets, databases, .venv and .git out of the context.
# tests/test_container.py checks these promises.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.txt requirements-build.txt ./
RUN python -m venv /opt/build \
 && /opt/build/bin/pip install --require-hashes -r requirements-build.txt \
 && python -m venv --without-pip /opt/r2p-risk \
 && /opt/build/bin/pip --python /opt/r2p-risk/bin/python install --require-hashes -r requirements.txt
COPY pyproject.toml README.md LICENSE NOTICE app.py ./
COPY .streamlit/config.toml .streamlit/
COPY r2p_risk r2p_risk
COPY frameworks frameworks
COPY data/examples data/examples
COPY schemas schemas
RUN /opt/build/bin/pip wheel --no-deps --no-build-isolation --wheel-dir /dist . \
 && /opt/build/bin/pip --python /opt/r2p-risk/bin/python install --no-deps /dist/r2p_risk-*.whl

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 r2p \
 && useradd --system --uid 10001 --gid r2p --create-home --home-dir /home/r2p r2p \
 && install -d -o r2p -g r2p -m 700 /backups
COPY --from=build /opt/r2p-risk /opt/r2p-risk
ENV PATH=/opt/r2p-risk/bin:$PATH PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /home/r2p
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
# The app listens on every interface of the container; compose.yaml publishes it on the host's 127.0.0.1 only.
CMD ["r2p-risk", "app", "--server.address=0.0.0.0", "--server.port=8501"]
