"""Files prepared in the background (issue 16, build 3): long work never blocks a request.

An export too big to write during a request (the queue or the structures list beyond
``IAE_EXPORT_IMMEDIATE_ROWS`` rows), a bilan's PDF, a commission's letters' archive: the
request records a ``PreparedFile`` (owner, kind, parameters) and answers at once with its
page, which shows the progress (a meta refresh, and ``progress.js`` where scripts run) and
then a download link for its owner only, kept ``IAE_PREPARED_FILE_HOURS`` hours (a day);
the periodic purge deletes expired files.

The core names no domain app: each app registers its kinds from ``AppConfig.ready()``
(``kinds.register``, a builder writing the file and reporting its progress), and its views
call ``services.prepare`` (or ``shortcuts.immediate_or_prepared``). One task builds any kind
(``tasks.build_prepared_file``, queued by name through ``iae_portal.queue``); a builder
recomputes what its owner may see when it runs.
"""
