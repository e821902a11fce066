"""The web pages' half of the permission matrix: what each person gets on each page, for
each object (``matrix_world``), written by hand from the rules (README, perms.py
docstrings), not derived from the code that applies them.

Columns: see ``matrix_world.ROLE_NAMES``. Answers:
``ok`` 200 (a POST: the request passed the permission check: 200 or 400 with the form's
errors, or a 302 elsewhere than the login page); ``in``/``out`` 200 and the object is/is
not on the page; ``log`` 302 to the login page; ``rdr`` 302 elsewhere; a number: that
status. Variants: ``a``/``b``/``z`` the object of structure A/B/Z (see ``matrix_world``),
``-`` no object. ``GET+POST``: both methods, same answers (the POST sends the form's data
or nothing; every request is rolled back)."""

import datetime

from .matrix_table import Target
from .matrix_world import PLACES

# fmt: off
WEB = """
# pattern                       var       meth      an   dA   sA   dB   ins  chf  lec  ptn  dX   dY   f1   f2   adm
home                            -         GET       log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
login                           -         GET       ok   rdr  rdr  rdr  rdr  rdr  rdr  rdr  rdr  rdr  rdr  rdr  rdr
logout                          -         GET       405  405  405  405  405  405  405  405  405  405  405  405  405
password_reset                  -         GET       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
password_reset_done             -         GET       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
password_reset_confirm          -         GET       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
password_reset_complete         -         GET       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
password_change                 -         GET       log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
password_change_done            -         GET       log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
audit:journal                   -         GET       log  403  403  403  403  403  403  403  403  403  403  403  ok
# Files prepared in the background: each for its owner only (here the instructeur's).
prepared:list                   -         GET       log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
prepared:detail                 -         GET       log  404  404  404  ok   404  404  404  404  404  404  404  404
prepared:progress               -         GET       log  404  404  404  ok   404  404  404  404  404  404  404  404
prepared:download               -         GET       log  404  404  404  ok   404  404  404  404  404  404  404  404

# Structures: members see theirs, staff their region, DLA and facilitators the directory.
structures:list                 a         GET       log  in   in   out  in   in   in   out  in   in   in   in   in
structures:list                 b         GET       log  out  out  in   in   in   in   out  in   in   in   in   in
structures:list                 z         GET       log  out  out  out  out  out  out  out  in   in   in   in   in
structures:export               a         GET       log  in   in   out  in   in   in   out  in   in   in   in   in
structures:export               b         GET       log  out  out  in   in   in   in   out  in   in   in   in   in
structures:export               z         GET       log  out  out  out  out  out  out  out  in   in   in   in   in
structures:create               -         GET+POST  log  403  403  403  ok   ok   403  403  403  403  403  403  ok
structures:import               -         GET+POST  log  403  403  403  ok   ok   403  403  403  403  403  403  ok
structures:project_list         a         GET       log  in   in   out  in   in   in   out  in   in   in   in   in
structures:project_list         b         GET       log  out  out  in   in   in   in   out  in   in   in   in   in
structures:project_list         z         GET       log  out  out  out  out  out  out  out  in   in   in   in   in
structures:project_detail       a         GET       log  ok   ok   404  ok   ok   ok   404  ok   ok   ok   ok   ok
structures:project_detail       b         GET       log  404  404  ok   ok   ok   ok   404  ok   ok   ok   ok   ok
structures:project_detail       z         GET       log  404  404  404  404  404  404  404  ok   ok   ok   ok   ok
structures:detail               a         GET       log  ok   ok   404  ok   ok   ok   404  ok   ok   ok   ok   ok
structures:detail               b         GET       log  404  404  ok   ok   ok   ok   404  ok   ok   ok   ok   ok
structures:detail               z         GET       log  404  404  404  404  404  404  404  ok   ok   ok   ok   ok
structures:edit                 a         GET+POST  log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:edit                 b         GET+POST  log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:edit                 z         GET+POST  log  404  404  404  404  404  404  404  403  403  403  403  ok
structures:activities           a         GET+POST  log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:activities           b         GET+POST  log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:activities           z         GET+POST  log  404  404  404  404  404  404  404  403  403  403  403  ok
structures:convention_add       a         GET+POST  log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:convention_add       b         GET+POST  log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:convention_add       z         GET+POST  log  404  404  404  404  404  404  404  403  403  403  403  ok
structures:convention_edit      a         GET+POST  log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:convention_edit      b         GET+POST  log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:convention_edit      z         GET+POST  log  404  404  404  404  404  404  404  403  403  403  403  ok
structures:figures_add          a         GET+POST  log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:figures_add          b         GET+POST  log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:figures_add          z         GET+POST  log  404  404  404  404  404  404  404  403  403  403  403  ok
structures:figures_edit         a         GET+POST  log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:figures_edit         b         GET+POST  log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:figures_edit         z         GET+POST  log  404  404  404  404  404  404  404  403  403  403  403  ok
structures:members              a         GET       log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:members              b         GET       log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:members              z         GET       log  404  404  404  404  404  404  404  403  403  403  403  ok
structures:invitation_create    a         GET+POST  log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:invitation_create    b         GET+POST  log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:invitation_create    z         GET+POST  log  404  404  404  404  404  404  404  403  403  403  403  ok
structures:invitation_withdraw  a         POST      log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:invitation_withdraw  b         POST      log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:invitation_withdraw  z         POST      log  404  404  404  404  404  404  404  403  403  403  403  ok
# The link of an invitation's e-mail: open to whoever holds it (it went to the invited
# mailbox); anyone else logged in is told it is for another address, nothing written.
structures:invitation_accept    a         GET+POST  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
structures:invitation_accept    b         GET+POST  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
structures:membership_deactivate a         POST      log  ok   403  404  ok   ok   403  404  403  403  403  403  ok
structures:membership_deactivate b         POST      log  404  404  ok   ok   ok   403  404  403  403  403  403  ok
structures:membership_deactivate z         POST      log  404  404  404  404  404  404  404  403  403  403  403  ok

# Aid schemes: public catalogue and simulator; a simulation for a structure by those who
# may open it (not the directory readers); the chef de service changes parameters and
# creates schemes.
aides:scheme_list               -         GET       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
aides:scheme_detail             -         GET       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
aides:simulator                 -         GET+POST  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
aides:simulator                 a         GET+POST  ok   ok   ok   404  ok   ok   ok   404  404  404  404  404  ok
aides:simulator                 b         GET+POST  ok   404  404  ok   ok   ok   ok   404  404  404  404  404  ok
aides:simulator                 z         GET+POST  ok   404  404  404  404  404  404  404  404  404  404  404  ok
aides:scheme_edit               -         GET+POST  log  403  403  403  403  ok   403  403  403  403  403  403  ok
aides:scheme_parameters         -         GET+POST  log  403  403  403  403  ok   403  403  403  403  403  403  ok
aides:scheme_create             -         GET+POST  log  403  403  403  403  ok   403  403  403  403  403  403  ok
aides:letter_settings           -         GET+POST  log  403  403  403  403  ok   403  403  403  403  403  403  ok
aides:computation_detail        a         GET       log  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok
aides:computation_detail        b         GET       log  404  404  ok   ok   ok   ok   404  404  404  404  404  ok
aides:computation_detail        z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok

# Dossiers: members read their structure's, directors act as applicant; staff of the
# region instruct (lecteur reads), the chef votes; invisible → 404, visible but not
# allowed → 403.
aides:dossier_create            -         GET+POST  log  ok   ok   ok   403  403  403  403  403  403  403  403  403
aides:dossier_create            a         GET+POST  log  ok   404  404  403  403  403  403  403  403  403  403  403
aides:dossier_create            b         GET+POST  log  404  404  ok   403  403  403  403  403  403  403  403  403
aides:dossier_detail            a         GET       log  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok
aides:dossier_detail            b         GET       log  404  404  ok   ok   ok   ok   404  404  404  404  404  ok
aides:dossier_detail            z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok
aides:dossier_edit              a         GET+POST  log  ok   403  404  403  403  403  404  404  404  404  404  403
aides:dossier_edit              b         GET+POST  log  404  404  ok   403  403  403  404  404  404  404  404  403
aides:dossier_edit              z         GET+POST  log  404  404  404  404  404  404  404  404  404  404  404  403
# The financing plan: its structure's directors edit it as the dossier (staff read it on
# the dossier page).
aides:financing_plan            a         GET+POST  log  ok   403  404  403  403  403  404  404  404  404  404  403
aides:financing_plan            b         GET+POST  log  404  404  ok   403  403  403  404  404  404  404  404  403
aides:financing_plan            z         GET+POST  log  404  404  404  404  404  404  404  404  404  404  404  403
aides:dossier_transition        a:submit  POST      log  ok   403  404  403  403  403  404  404  404  404  404  403
aides:dossier_transition        b:submit  POST      log  404  404  ok   403  403  403  404  404  404  404  404  403
aides:dossier_transition        a:start   POST      log  403  403  404  ok   ok   403  404  404  404  404  404  ok
aides:dossier_transition        z:start   POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
aides:dossier_comment           a         POST      log  ok   403  404  ok   ok   403  404  404  404  404  404  ok
aides:dossier_comment           b         POST      log  404  404  ok   ok   ok   403  404  404  404  404  404  ok
aides:dossier_comment           z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
aides:document_download         a         GET       log  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok
aides:document_download         b         GET       log  404  404  ok   ok   ok   ok   404  404  404  404  404  ok
aides:document_download         z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok
# A draft's document: its directors replace or remove it (staff and employees read it).
aides:document_replace          a         GET+POST  log  ok   403  404  403  403  403  404  404  404  404  404  403
aides:document_replace          b         GET+POST  log  404  404  ok   403  403  403  404  404  404  404  404  403
aides:document_replace          z         GET+POST  log  404  404  404  404  404  404  404  404  404  404  404  403
aides:document_remove           a         POST      log  ok   403  404  403  403  403  404  404  404  404  404  403
aides:document_remove           b         POST      log  404  404  ok   403  403  403  404  404  404  404  404  403
aides:document_remove           z         POST      log  404  404  404  404  404  404  404  404  404  404  404  403
aides:dossier_letter            a         GET       log  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok
aides:dossier_letter            b         GET       log  404  404  ok   ok   ok   ok   404  404  404  404  404  ok
aides:dossier_letter            z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok
aides:instalment_pay            a         POST      log  403  403  404  ok   ok   403  404  404  404  404  404  ok
aides:instalment_pay            b         POST      log  404  404  403  ok   ok   403  404  404  404  404  404  ok
aides:instalment_pay            z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
aides:my_dossiers               a         GET       log  in   in   out  out  out  out  out  out  out  out  out  out
aides:my_dossiers               b         GET       log  out  out  in   out  out  out  out  out  out  out  out  out
aides:my_dossiers               z         GET       log  out  out  out  out  out  out  out  out  out  out  out  out
aides:notifications             -         GET+POST  log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
aides:queue                     a         GET       log  403  403  403  in   in   in   403  403  403  403  403  in
aides:queue                     b         GET       log  403  403  403  in   in   in   403  403  403  403  403  in
aides:queue                     z         GET       log  403  403  403  out  out  out  403  403  403  403  403  in
aides:queue                     -         POST      log  403  403  403  ok   ok   403  403  403  403  403  403  ok
aides:queue_export              a         GET       log  403  403  403  in   in   in   403  403  403  403  403  in
aides:queue_export              b         GET       log  403  403  403  in   in   in   403  403  403  403  403  in
aides:queue_export              z         GET       log  403  403  403  out  out  out  403  403  403  403  403  in
aides:campaign_list             -         GET       log  403  403  403  ok   ok   ok   403  403  403  403  403  ok
aides:campaign_create           -         GET+POST  log  403  403  403  403  ok   403  403  403  403  403  403  ok
aides:campaign_dashboard        -         GET       log  403  403  403  ok   ok   ok   403  403  403  403  403  ok
aides:campaign_batches          -         GET       log  403  403  403  ok   ok   ok   403  403  403  403  403  ok
# A batch goes through every dossier of the campaign, which has one in Paris (z): only
# staff without a region (none here) and administrators may start (or resume) one, and
# open its pages (report, progress, archive: counts of every region's dossiers); for the
# region-bound staff those batches are beyond reach (404), the campaign's page lists none.
# (A campaign within their region: tests/aides/test_batch_scope.py.)
aides:batch_start               -         POST      log  403  403  403  403  403  403  403  403  403  403  403  ok
aides:batch_resume              -         POST      log  403  403  403  404  404  404  403  403  403  403  403  ok
aides:batch_progress            -         GET       log  403  403  403  404  404  404  403  403  403  403  403  ok
aides:batch_detail              a         GET       log  403  403  403  404  404  404  403  403  403  403  403  in
aides:batch_detail              b         GET       log  403  403  403  404  404  404  403  403  403  403  403  in
aides:batch_detail              z         GET       log  403  403  403  404  404  404  403  403  403  403  403  in
# The letters' archive is prepared in the background: its page answers (rdr).
aides:batch_archive             ge        GET       log  403  403  403  404  404  404  403  403  403  403  403  rdr
aides:batch_archive             all       GET       log  403  403  403  404  404  404  403  403  403  403  403  rdr

# Partners' opinions: the partner (ptn) is asked on A's deposited dossier (a), the
# instructeur on B's (b: no partner, who cannot answer). A partner reaches a dossier only
# through the requests addressed to them (its data as filed, the documents shared, never
# the dossier's page); staff of the dossier read every request and opinion, the
# instruction and the chef ask and withdraw; the applicant and members none of it.
aides:opinion_request_list      a         GET       log  403  403  403  in   in   in   in   403  403  403  403  in
aides:opinion_request_list      b         GET       log  403  403  403  in   in   in   out  403  403  403  403  in
aides:opinion_request           a         GET       log  404  404  404  ok   ok   ok   ok   404  404  404  404  ok
aides:opinion_request           b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  404  ok
aides:opinion_give              a         POST      log  404  404  404  403  403  403  ok   404  404  404  404  403
aides:opinion_give              b         POST      log  404  404  404  403  403  403  404  404  404  404  404  403
aides:opinion_request_withdraw  a         POST      log  404  404  404  ok   ok   403  403  404  404  404  404  ok
aides:opinion_request_withdraw  b         POST      log  404  404  404  ok   ok   403  404  404  404  404  404  ok
aides:opinion_request_create    a         GET+POST  log  403  403  404  ok   ok   403  404  404  404  404  404  ok
aides:opinion_request_create    b         GET+POST  log  404  404  403  ok   ok   403  404  404  404  404  404  ok
aides:opinion_request_create    z         GET+POST  log  404  404  404  404  404  404  404  404  404  404  404  ok
aides:opinion_document          a         GET       log  404  404  404  ok   ok   ok   ok   404  404  404  404  ok
aides:opinion_document          b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  404  ok
aides:opinion_document          z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok
aides:opinion_attachment        a         GET       log  404  404  404  ok   ok   ok   ok   404  404  404  404  ok
aides:opinion_attachment        b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  404  ok

# DLA: chargés see and edit their DLA's accompaniments, staff read their region's, the
# directors of the structures read theirs (from the structure's page, not the list).
dla:list                        a         GET       log  403  403  403  in   in   in   403  in   out  403  403  in
dla:list                        b         GET       log  403  403  403  in   in   in   403  out  in   403  403  in
dla:list                        z         GET       log  403  403  403  out  out  out  403  out  out  403  403  in
dla:request                     -         GET+POST  log  403  403  403  403  403  403  403  ok   ok   403  403  ok
dla:import                      -         GET+POST  log  403  403  403  ok   ok   403  403  ok   ok   403  403  ok
dla:bilan                       -         GET       log  403  403  403  ok   ok   ok   403  ok   ok   403  403  ok
dla:bilan                       a         GET       log  403  403  403  ok   ok   ok   403  ok   404  403  403  ok
dla:bilan                       b         GET       log  403  403  403  ok   ok   ok   403  404  ok   403  403  ok
dla:bilan                       z         GET       log  403  403  403  404  404  404  403  404  404  403  403  ok
dla:bilan_csv                   -         GET       log  403  403  403  ok   ok   ok   403  ok   ok   403  403  ok
dla:bilan_csv                   a         GET       log  403  403  403  ok   ok   ok   403  ok   404  403  403  ok
dla:bilan_csv                   b         GET       log  403  403  403  ok   ok   ok   403  404  ok   403  403  ok
dla:bilan_csv                   z         GET       log  403  403  403  404  404  404  403  404  404  403  403  ok
# The bilan's PDF is prepared in the background: its page answers (rdr), then its file.
dla:bilan_pdf                   -         GET       log  403  403  403  rdr  rdr  rdr  403  rdr  rdr  403  403  rdr
dla:bilan_pdf                   a         GET       log  403  403  403  rdr  rdr  rdr  403  rdr  404  403  403  rdr
dla:bilan_pdf                   z         GET       log  403  403  403  404  404  404  403  404  404  403  403  rdr
dla:detail                      a         GET       log  ok   404  404  ok   ok   ok   404  ok   404  404  404  ok
dla:detail                      b         GET       log  404  404  ok   ok   ok   ok   404  404  ok   404  404  ok
dla:detail                      z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok
dla:deliverable                 a         GET       log  ok   404  404  ok   ok   ok   404  ok   404  404  404  ok
dla:deliverable                 b         GET       log  404  404  ok   ok   ok   ok   404  404  ok   404  404  ok
dla:deliverable                 z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok
dla:step_request                a         POST      log  403  404  404  403  403  403  404  ok   404  404  404  ok
dla:step_request                b         POST      log  404  404  403  403  403  403  404  404  ok   404  404  ok
dla:step_request                z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
dla:step_diagnostic             a         POST      log  403  404  404  403  403  403  404  ok   404  404  404  ok
dla:step_diagnostic             b         POST      log  404  404  403  403  403  403  404  404  ok   404  404  ok
dla:step_diagnostic             z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
dla:step_plan                   a         POST      log  403  404  404  403  403  403  404  ok   404  404  404  ok
dla:step_plan                   b         POST      log  404  404  403  403  403  403  404  404  ok   404  404  ok
dla:step_plan                   z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
dla:step_prestation             a         POST      log  403  404  404  403  403  403  404  ok   404  404  404  ok
dla:step_prestation             b         POST      log  404  404  403  403  403  403  404  404  ok   404  404  ok
dla:step_prestation             z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
dla:step_deliverables           a         POST      log  403  404  404  403  403  403  404  ok   404  404  404  ok
dla:step_deliverables           b         POST      log  404  404  403  403  403  403  404  404  ok   404  404  ok
dla:step_deliverables           z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
dla:step_follow_up              a         POST      log  403  404  404  403  403  403  404  ok   404  404  404  ok
dla:step_follow_up              b         POST      log  404  404  403  403  403  403  404  404  ok   404  404  ok
dla:step_follow_up              z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
dla:step_close                  a         POST      log  403  404  404  403  403  403  404  ok   404  404  404  ok
dla:step_close                  b         POST      log  404  404  403  403  403  403  404  404  ok   404  404  ok
dla:step_close                  z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok

# Social clauses: the clause officer (staff, administrators) sees every contract,
# facilitators the lots they follow and report their hours, and read the bilan of their
# lots and territory; nobody else.
clauses:list                    a         GET       log  403  403  403  in   in   in   403  403  403  in   out  in
clauses:list                    b         GET       log  403  403  403  in   in   in   403  403  403  out  in   in
clauses:bilan                   -         GET       log  403  403  403  ok   ok   ok   403  403  403  ok   ok   ok
clauses:bilan_csv               -         GET       log  403  403  403  ok   ok   ok   403  403  403  ok   ok   ok
clauses:import                  -         GET+POST  log  403  403  403  ok   ok   403  403  403  403  403  403  ok
clauses:detail                  a         GET       log  404  404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:detail                  b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  ok   ok
clauses:report_hours            a         GET+POST  log  404  404  404  404  404  404  404  404  404  ok   404  404
clauses:report_hours            b         GET+POST  log  404  404  404  404  404  404  404  404  404  404  ok   404
clauses:lot_candidates          a         GET       log  404  404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:lot_candidates          b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  ok   ok
clauses:lot_hours               a         GET+POST  log  404  404  404  ok   ok   403  404  404  404  403  404  ok
clauses:lot_hours               b         GET+POST  log  404  404  404  ok   ok   403  404  404  404  404  403  ok
# Clauses matching: the ranked candidates' export and shortlist, a lot's NAF codes (as its
# hours: the officer's writers); the lots offered to the SIAE: lot a matches structure A
# only, lot b structure B only (matrix_world's clauses matching block); whoever sees the lot
# otherwise sees its offer page; a director says « intéressé » for a matching structure.
clauses:lot_candidates_export   a         GET       log  404  404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:lot_candidates_export   b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  ok   ok
clauses:lot_shortlist           a         POST      log  404  404  404  ok   ok   403  404  404  404  ok   404  ok
clauses:lot_shortlist           b         POST      log  404  404  404  ok   ok   403  404  404  404  404  ok   ok
clauses:lot_codes               a         GET+POST  log  404  404  404  ok   ok   403  404  404  404  403  404  ok
clauses:lot_codes               b         GET+POST  log  404  404  404  ok   ok   403  404  404  404  404  403  ok
clauses:offers                  a         GET       log  in   403  out  403  403  403  403  403  403  403  403  403
clauses:offers                  b         GET       log  out  403  in   403  403  403  403  403  403  403  403  403
clauses:offer_subscription      -         POST      log  ok   403  ok   403  403  403  403  403  403  403  403  403
clauses:offer_detail            a         GET       log  ok   404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:offer_detail            b         GET       log  404  404  ok   ok   ok   ok   404  404  404  404  ok   ok
clauses:offer_interest          a         POST      log  ok   404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:offer_interest          b         POST      log  404  404  ok   ok   ok   ok   404  404  404  404  ok   ok
# Partnership agreements (clauses/perms.py): the clause officer reads every agreement, its
# writers (instructeur, chef, administrators) and the agreement's facilitator change it and
# write its quarterly reviews and minutes; the lecteur reads only (403 on the writes);
# nobody else (a page: 403, an object: 404). The review's page shows to whoever reads the
# agreement; its POST records the review.
clauses:agreements              a         GET       log  403  403  403  in   in   in   403  403  403  in   out  in
clauses:agreements              b         GET       log  403  403  403  in   in   in   403  403  403  out  in   in
clauses:agreement_add           -         GET+POST  log  403  403  403  ok   ok   403  403  403  403  ok   ok   ok
clauses:agreement               a         GET       log  404  404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:agreement               b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  ok   ok
clauses:agreement_edit          a         GET+POST  log  404  404  404  ok   ok   403  404  404  404  ok   404  ok
clauses:agreement_edit          b         GET+POST  log  404  404  404  ok   ok   403  404  404  404  404  ok   ok
clauses:agreement_review        a         GET       log  404  404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:agreement_review        b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  ok   ok
clauses:agreement_review        a         POST      log  404  404  404  ok   ok   403  404  404  404  ok   404  ok
clauses:agreement_review        b         POST      log  404  404  404  ok   ok   403  404  404  404  404  ok   ok
clauses:review_minutes          a         GET       log  404  404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:review_minutes          b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  ok   ok
clauses:review_minutes_remove   a         POST      log  404  404  404  ok   ok   403  404  404  404  ok   404  ok
clauses:review_minutes_remove   b         POST      log  404  404  404  ok   ok   403  404  404  404  404  ok   ok
# Planned purchases (clauses/perms.py): the clause officer reads every buyer's programme,
# its writers (instructeur, chef, administrators) and the purchase's facilitator enter,
# change, notify and abandon it while it is planned; the lecteur reads only (403 on the
# writes); nobody else (a page: 403, an object: 404). The list and its export, 2025's.
clauses:programme               a         GET       log  403  403  403  in   in   in   403  403  403  in   out  in
clauses:programme               b         GET       log  403  403  403  in   in   in   403  403  403  out  in   in
clauses:programme_export        a         GET       log  403  403  403  in   in   in   403  403  403  in   out  in
clauses:programme_export        b         GET       log  403  403  403  in   in   in   403  403  403  out  in   in
clauses:purchase_create         -         GET+POST  log  403  403  403  ok   ok   403  403  403  403  ok   ok   ok
clauses:purchase_detail         a         GET       log  404  404  404  ok   ok   ok   404  404  404  ok   404  ok
clauses:purchase_detail         b         GET       log  404  404  404  ok   ok   ok   404  404  404  404  ok   ok
clauses:purchase_edit           a         GET+POST  log  404  404  404  ok   ok   403  404  404  404  ok   404  ok
clauses:purchase_edit           b         GET+POST  log  404  404  404  ok   ok   403  404  404  404  404  ok   ok
clauses:purchase_notify         a         GET+POST  log  404  404  404  ok   ok   403  404  404  404  ok   404  ok
clauses:purchase_notify         b         GET+POST  log  404  404  404  ok   ok   403  404  404  404  404  ok   ok
clauses:purchase_abandon        a         POST      log  404  404  404  ok   ok   403  404  404  404  ok   404  ok
clauses:purchase_abandon        b         POST      log  404  404  404  ok   ok   403  404  404  404  404  ok   ok

# The CDIAE report: staff read their region's territories, the partner (of the DREETS
# Grand Est, a regional organisation) its region and its départements, administrators every
# one; a territory beyond reach is refused before anything is prepared. Its POST prepares
# the PDF (a redirect to the prepared file's page).
cdiae:report                    -         GET       log  403  403  403  ok   ok   ok   ok   403  403  403  403  ok
cdiae:report                    a         POST      log  403  403  403  ok   ok   ok   ok   403  403  403  403  ok
cdiae:report                    b         POST      log  403  403  403  ok   ok   ok   ok   403  403  403  403  ok
cdiae:report                    ge        POST      log  403  403  403  ok   ok   ok   ok   403  403  403  403  ok
cdiae:report                    z         POST      log  403  403  403  403  403  403  403  403  403  403  403  ok

# Social utility's statistics (utilite/perms.py, statistics_scope): staff read their
# territory's groups (a département beyond it: 404) and its missing reports, those who
# write send the reminders; members (directors and employees) read their structures'
# groups only (kind or all in their département and région), never the missing reports;
# partners, DLA and facilitators nothing. A report's radar: whoever reads the report.
utilite:statistics              -         GET       log  ok   ok   ok   ok   ok   ok   403  403  403  403  403  ok
utilite:statistics              a         GET       log  ok   ok   404  ok   ok   ok   403  403  403  403  403  ok
utilite:statistics              b         GET       log  404  404  ok   ok   ok   ok   403  403  403  403  403  ok
utilite:statistics              z         GET       log  404  404  404  404  404  404  403  403  403  403  403  ok
utilite:statistics_export       -         GET       log  ok   ok   ok   ok   ok   ok   403  403  403  403  403  ok
utilite:statistics_export       a         GET       log  ok   ok   404  ok   ok   ok   403  403  403  403  403  ok
utilite:statistics_export       b         GET       log  404  404  ok   ok   ok   ok   403  403  403  403  403  ok
utilite:statistics_export       z         GET       log  404  404  404  404  404  404  403  403  403  403  403  ok
utilite:missing_export          -         GET       log  403  403  403  ok   ok   ok   403  403  403  403  403  ok
utilite:missing_export          a         GET       log  403  403  403  ok   ok   ok   403  403  403  403  403  ok
utilite:missing_export          b         GET       log  403  403  403  ok   ok   ok   403  403  403  403  403  ok
utilite:missing_export          z         GET       log  403  403  403  404  404  404  403  403  403  403  403  ok
utilite:remind                  a         POST      log  403  403  403  ok   ok   403  403  403  403  403  403  ok
utilite:remind                  b         POST      log  403  403  403  ok   ok   403  403  403  403  403  403  ok
utilite:remind                  z         POST      log  403  403  403  404  404  404  403  403  403  403  403  ok
utilite:report_radar            a         GET       log  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok
utilite:report_radar            b         GET       log  404  404  ok   ok   ok   ok   404  404  404  404  404  ok
utilite:report_radar            z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok
# A structure's yearly reports (utilite/perms.py): its members and staff of its territory
# read them; its directors and the members they allow (not sA) fill them in (staff and
# administrators never: 403); staff who write review a submitted one (the lecteur: 403);
# directors allow members; members list their reports; staff who write import files.
utilite:my_reports              -         GET       log  ok   ok   ok   403  403  403  403  403  403  403  403  403
utilite:report                  a         GET       log  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok
utilite:report                  b         GET       log  404  404  ok   ok   ok   ok   404  404  404  404  404  ok
utilite:report                  z         GET       log  404  404  404  404  404  404  404  404  404  404  404  ok
utilite:report_step             a         GET+POST  log  ok   403  404  403  403  403  404  404  404  404  404  403
utilite:report_step             b         GET+POST  log  404  404  ok   403  403  403  404  404  404  404  404  403
utilite:report_step             z         GET+POST  log  404  404  404  404  404  404  404  404  404  404  404  403
utilite:report_submit           a         POST      log  ok   403  404  403  403  403  404  404  404  404  404  403
utilite:report_submit           b         POST      log  404  404  ok   403  403  403  404  404  404  404  404  403
utilite:report_submit           z         POST      log  404  404  404  404  404  404  404  404  404  404  404  403
utilite:report_validate         a         POST      log  403  403  404  ok   ok   403  404  404  404  404  404  ok
utilite:report_validate         b         POST      log  404  404  403  ok   ok   403  404  404  404  404  404  ok
utilite:report_validate         z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
utilite:report_send_back        a         POST      log  403  403  404  ok   ok   403  404  404  404  404  404  ok
utilite:report_send_back        b         POST      log  404  404  403  ok   ok   403  404  404  404  404  404  ok
utilite:report_send_back        z         POST      log  404  404  404  404  404  404  404  404  404  404  404  ok
utilite:delegates               a         GET+POST  log  ok   403  404  403  403  403  404  404  404  404  404  403
utilite:delegates               b         GET+POST  log  404  404  ok   403  403  403  404  404  404  404  404  403
utilite:delegates               z         GET+POST  log  404  404  404  404  404  404  404  404  404  404  404  403
utilite:delegate_remove         a         POST      log  ok   403  404  403  403  403  404  404  404  404  404  403
utilite:delegate_remove         b         POST      log  404  404  ok   403  403  403  404  404  404  404  404  403
utilite:delegate_remove         z         POST      log  404  404  404  404  404  404  404  404  404  404  404  403
utilite:import                  -         GET+POST  log  403  403  403  ok   ok   403  403  403  403  403  403  ok
"""
# fmt: on

SUBMIT_NAMES = {"submit": "submit", "start": "start_instruction"}


def _transition(w, variant):
    owner, short = variant.split(":")
    name = SUBMIT_NAMES[short]
    dossier = (w.draft if short == "submit" else w.deposited)[owner]
    data = {f"{name}-version": dossier.version, f"{name}-comment": "Motif de la matrice."}
    return Target(kwargs={"uuid": dossier.uuid, "name": name}, data=data)


def _siret(w, v):
    return {"siret": w.structure[v].siret}


def _simulator(w, v):
    if v == "-":
        return Target()
    return Target(query=f"dispositif={w.campaign.scheme.code}&structure={w.structure[v].siret}")


def _bilan(w, v):
    if v == "-":
        return Target()
    return Target(query=f"year=2024&department={w.accompaniment[v].dla.department_id}")


def _accompaniment(w, v):
    return Target(kwargs={"uuid": w.accompaniment[v].uuid})


def _lot(w, v):
    return Target(kwargs={"uuid": w.lot[v].uuid})


def _cdiae(w, v):
    if v == "-":
        return Target()
    scope = "region:44" if v == "ge" else f"department:{ {'a': '54', 'b': '57', 'z': '75'}[v] }"
    return Target(data={"scope": scope, "year": "2026", "format": "pdf"})


def _social(report):
    return {"siret": report.structure.siret, "year": report.year}


def _utilite_statistics(w, v):
    if v == "-":
        return Target()
    return Target(query=f"department={PLACES[v]}")


def _purchase(w, v):
    return Target(kwargs={"uuid": w.purchase[v].uuid})


def _purchase_data(w, v):
    """The entry form of a purchase of the variant's buyer and facilitator."""
    return {
        "buyer": w.marche[v].buyer.pk,
        "year": "2025",
        "object": f"Achat de la matrice {v.upper()}, corrigé",
        "type": "travaux",
        "estimated_amount_ht": "150000",
        "launch_quarter": "3",
        "clause": "condition_execution",
        "method": "saisie",
        "hours": "260",
        "facilitator": w.lot[v].facilitator.pk,
    }


WEB_TARGETS = {
    "password_reset_confirm": lambda w, v: Target(kwargs={"uidb64": "MQ", "token": "x-y"}),
    "prepared:detail": lambda w, v: Target(kwargs={"uuid": w.prepared.uuid}),
    "prepared:progress": lambda w, v: Target(kwargs={"uuid": w.prepared.uuid}),
    "prepared:download": lambda w, v: Target(kwargs={"uuid": w.prepared.uuid}),
    "structures:list": lambda w, v: Target(marker=w.structure[v].siret),
    "structures:export": lambda w, v: Target(kwargs={"fmt": "csv"}, marker=w.structure[v].siret),
    "structures:project_list": lambda w, v: Target(marker=w.project[v].name),
    "structures:project_detail": lambda w, v: Target(kwargs={"uuid": w.project[v].uuid}),
    "structures:detail": lambda w, v: Target(kwargs=_siret(w, v)),
    "structures:edit": lambda w, v: Target(kwargs=_siret(w, v)),
    "structures:activities": lambda w, v: Target(kwargs=_siret(w, v), data={"codes": ["43.31Z"]}),
    "structures:convention_add": lambda w, v: Target(kwargs=_siret(w, v)),
    "structures:convention_edit": lambda w, v: Target(
        kwargs={**_siret(w, v), "number": w.convention[v].number}
    ),
    "structures:figures_add": lambda w, v: Target(kwargs=_siret(w, v)),
    "structures:figures_edit": lambda w, v: Target(
        kwargs={**_siret(w, v), "year": w.figures[v].year}
    ),
    "structures:members": lambda w, v: Target(kwargs=_siret(w, v)),
    "structures:invitation_create": lambda w, v: Target(
        kwargs=_siret(w, v), data={"email": "invite.matrice@m.test", "role": "salarie"}
    ),
    "structures:invitation_withdraw": lambda w, v: Target(
        kwargs={**_siret(w, v), "uuid": w.invitation[v].uuid}
    ),
    "structures:invitation_accept": lambda w, v: Target(kwargs={"token": w.invitation[v].token()}),
    "structures:membership_deactivate": lambda w, v: Target(
        kwargs={**_siret(w, v), "uuid": w.employee_membership[v].uuid}
    ),
    "aides:scheme_detail": lambda w, v: Target(kwargs={"code": w.campaign.scheme.code}),
    "aides:scheme_edit": lambda w, v: Target(kwargs={"code": w.campaign.scheme.code}),
    "aides:scheme_parameters": lambda w, v: Target(kwargs={"code": w.campaign.scheme.code}),
    "aides:simulator": _simulator,
    "aides:computation_detail": lambda w, v: Target(kwargs={"uuid": w.draft[v].computation.uuid}),
    "aides:dossier_create": lambda w, v: Target(
        query="" if v == "-" else f"structure={w.structure[v].siret}"
    ),
    "aides:dossier_detail": lambda w, v: Target(kwargs={"uuid": w.deposited[v].uuid}),
    "aides:dossier_edit": lambda w, v: Target(kwargs={"uuid": w.draft[v].uuid}),
    "aides:financing_plan": lambda w, v: Target(
        kwargs={"uuid": w.draft[v].uuid},
        data={
            "total_cost": "150 000,00",
            "lignes-TOTAL_FORMS": "1",
            "lignes-INITIAL_FORMS": "0",
            "lignes-0-funder": "departement",
            "lignes-0-amount": "20 000",
            "lignes-0-status": "demande",
        },
    ),
    "aides:dossier_transition": _transition,
    "aides:dossier_comment": lambda w, v: Target(
        kwargs={"uuid": w.deposited[v].uuid}, data={"body": "Message de la matrice."}
    ),
    "aides:document_download": lambda w, v: Target(
        kwargs={"uuid": w.deposited[v].documents.first().uuid}
    ),
    "aides:document_replace": lambda w, v: Target(
        kwargs={"uuid": w.draft[v].documents.first().uuid}
    ),
    "aides:document_remove": lambda w, v: Target(
        kwargs={"uuid": w.draft[v].documents.first().uuid}
    ),
    "aides:dossier_letter": lambda w, v: Target(
        kwargs={"uuid": w.notified[v].uuid, "kind": "notification"}
    ),
    "aides:instalment_pay": lambda w, v: Target(
        kwargs={"uuid": w.notified[v].instalments.order_by("year").first().uuid},
        data={"paid_on": datetime.date.today().isoformat(), "reference": "MANDAT-MATRICE"},
    ),
    "aides:my_dossiers": lambda w, v: Target(marker=w.deposited[v].reference),
    "aides:queue": lambda w, v: Target(
        marker=None if v == "-" else w.deposited[v].reference,
        data={"action": "assign"},
    ),
    "aides:queue_export": lambda w, v: Target(
        kwargs={"fmt": "csv"}, marker=w.deposited[v].reference
    ),
    "aides:campaign_dashboard": lambda w, v: Target(kwargs={"uuid": w.campaign.uuid}),
    "aides:campaign_batches": lambda w, v: Target(kwargs={"uuid": w.campaign.uuid}),
    "aides:batch_start": lambda w, v: Target(kwargs={"uuid": w.campaign.uuid}),
    "aides:batch_progress": lambda w, v: Target(kwargs={"uuid": w.batch["all"].uuid}),
    "aides:batch_resume": lambda w, v: Target(kwargs={"uuid": w.batch["all"].uuid}),
    "aides:batch_detail": lambda w, v: Target(
        kwargs={"uuid": w.batch["all"].uuid}, marker=w.notified[v].reference
    ),
    "aides:batch_archive": lambda w, v: Target(kwargs={"uuid": w.batch[v].uuid}),
    "aides:opinion_request_list": lambda w, v: Target(
        marker=w.opinion_request[v].dossier.reference
    ),
    "aides:opinion_request": lambda w, v: Target(kwargs={"uuid": w.opinion_request[v].uuid}),
    "aides:opinion_give": lambda w, v: Target(
        kwargs={"uuid": w.opinion_request[v].uuid},
        data={"position": "favorable", "text": "Avis de la matrice."},
    ),
    "aides:opinion_request_withdraw": lambda w, v: Target(
        kwargs={"uuid": w.opinion_request[v].uuid}
    ),
    "aides:opinion_request_create": lambda w, v: Target(
        kwargs={"uuid": w.deposited[v].uuid},
        data={
            "partners": [str(w.users["ptn"].pk)],
            "question": "Question de la matrice ?",
            "due_on": (datetime.date.today() + datetime.timedelta(days=10)).isoformat(),
        },
    ),
    "aides:opinion_document": lambda w, v: Target(
        kwargs={"uuid": w.deposited[v].documents.first().uuid}
    ),
    "aides:opinion_attachment": lambda w, v: Target(kwargs={"uuid": w.opinion_attachment[v].uuid}),
    "dla:list": lambda w, v: Target(marker=w.accompaniment[v].ref),
    "dla:bilan": _bilan,
    "dla:bilan_csv": _bilan,
    "dla:bilan_pdf": _bilan,
    "dla:detail": _accompaniment,
    "dla:deliverable": lambda w, v: Target(kwargs={"uuid": w.deliverable[v].uuid}),
    "dla:step_request": _accompaniment,
    "dla:step_diagnostic": _accompaniment,
    "dla:step_plan": _accompaniment,
    "dla:step_prestation": _accompaniment,
    "dla:step_follow_up": _accompaniment,
    "dla:step_close": _accompaniment,
    "dla:step_deliverables": lambda w, v: Target(
        kwargs={"uuid": w.accompaniment[v].uuid, "prestation": w.prestation[v].uuid}
    ),
    "clauses:list": lambda w, v: Target(marker=w.marche[v].ref),
    "clauses:detail": lambda w, v: Target(kwargs={"uuid": w.marche[v].uuid}),
    "clauses:report_hours": _lot,
    "clauses:lot_candidates": _lot,
    "clauses:lot_hours": _lot,
    "clauses:lot_candidates_export": lambda w, v: Target(
        kwargs={"uuid": w.lot[v].uuid, "fmt": "csv"}
    ),
    "clauses:lot_shortlist": lambda w, v: Target(
        kwargs={"uuid": w.lot[v].uuid},
        data={"siret": w.structure[v].siret, "action": "ajouter"},
    ),
    "clauses:lot_codes": lambda w, v: Target(
        kwargs={"uuid": w.lot[v].uuid}, data={"codes": [w.lot[v].activity_codes[0]]}
    ),
    "clauses:offers": lambda w, v: Target(marker=w.marche[v].ref),
    "clauses:offer_subscription": lambda w, v: Target(data={"enabled": "0"}),
    "clauses:offer_detail": _lot,
    "clauses:offer_interest": lambda w, v: Target(
        kwargs={"uuid": w.lot[v].uuid},
        data={"siret": w.structure[v].siret, "action": "interesse"},
    ),
    "clauses:agreements": lambda w, v: Target(marker=w.agreement[v].title),
    "clauses:agreement": lambda w, v: Target(kwargs={"uuid": w.agreement[v].uuid}),
    "clauses:agreement_edit": lambda w, v: Target(kwargs={"uuid": w.agreement[v].uuid}),
    "clauses:agreement_review": lambda w, v: Target(
        kwargs={"uuid": w.agreement[v].uuid, "year": 2025, "quarter": 2},
        data={"held_on": "2025-07-11", "summary": "Revue de la matrice, corrigée."},
    ),
    "clauses:review_minutes": lambda w, v: Target(kwargs={"uuid": w.minutes[v].uuid}),
    "clauses:review_minutes_remove": lambda w, v: Target(kwargs={"uuid": w.minutes[v].uuid}),
    "clauses:programme": lambda w, v: Target(query="year=2025", marker=w.purchase[v].object),
    "clauses:programme_export": lambda w, v: Target(
        kwargs={"fmt": "csv"}, query="year=2025", marker=w.purchase[v].object
    ),
    "clauses:purchase_create": lambda w, v: Target(data=_purchase_data(w, "a")),
    "clauses:purchase_detail": _purchase,
    "clauses:purchase_edit": lambda w, v: Target(
        kwargs={"uuid": w.purchase[v].uuid}, data=_purchase_data(w, v)
    ),
    "clauses:purchase_notify": lambda w, v: Target(
        kwargs={"uuid": w.purchase[v].uuid},
        data={
            "mode": "nouveau",
            "ref": "M-MATRICE-NOTIFIE",
            "notification_date": "2025-09-01",
            "procedure": "mapa",
            "amount_ht": "140000",
        },
    ),
    "clauses:purchase_abandon": _purchase,
    "cdiae:report": _cdiae,
    # Social utility's statistics and radar (the year before this one: what the
    # conventionnements of the world cover).
    "utilite:statistics": _utilite_statistics,
    "utilite:statistics_export": lambda w, v: Target(
        kwargs={"fmt": "csv"}, query=_utilite_statistics(w, v).query
    ),
    "utilite:missing_export": lambda w, v: Target(
        kwargs={"fmt": "csv"}, query=_utilite_statistics(w, v).query
    ),
    "utilite:remind": lambda w, v: Target(
        kwargs=_siret(w, v), data={"year": str(datetime.date.today().year - 1)}
    ),
    "utilite:report_radar": lambda w, v: Target(
        kwargs={"siret": w.structure[v].siret, "year": w.radar_report[v].year}
    ),
    "utilite:report": lambda w, v: Target(kwargs=_social(w.social_draft[v])),
    "utilite:report_step": lambda w, v: Target(
        kwargs={**_social(w.social_draft[v]), "step": "activite"}, data={"wages_paid": "1"}
    ),
    "utilite:report_submit": lambda w, v: Target(kwargs=_social(w.social_draft[v])),
    "utilite:report_validate": lambda w, v: Target(kwargs=_social(w.social_submitted[v])),
    "utilite:report_send_back": lambda w, v: Target(
        kwargs=_social(w.social_submitted[v]), data={"staff_comment": "Motif de la matrice."}
    ),
    "utilite:delegates": lambda w, v: Target(kwargs=_siret(w, v)),
    "utilite:delegate_remove": lambda w, v: Target(
        kwargs={**_siret(w, v), "pk": w.report_delegate[v].pk}
    ),
}
