"""The report for the CDIAE (conseil départemental de l'insertion par l'activité économique),
issue 17, part 3: for one département or one region and one year, the tables the committee
reads, as JSON (``manage.py cdiae_report``), as a workbook (one sheet per table) and as a PDF
(the letters' pipeline, with charts). Keys and definitions: ``docs/cdiae.md``.

The core names no domain app (house style). Each app registers from its
``AppConfig.ready()`` (in its ``cdiae.py``):

- its tables (``registry.register_table``): a key, a French title, an order, columns, and a
  function ``(scope, year) -> Result`` taking its figures from the same functions as the
  app's pages and bilans, so that their totals agree;
- ``structures`` also the territory (``registry.register_territory``): how a scope is
  resolved from a code, the scopes a person may choose, and who may read which report
  (``structures.perms``).

``report.build_report`` assembles the tables into one dict with stable keys, which
``render`` writes as JSON, XLSX (through ``iae_portal.exports``) or PDF (``iae_portal.pdf``).
The page (``views``) prepares the file in the background (``prepared``: the kind
``cdiae.report``), the command writes it at once.
"""
