"""The error catalogue: every message a person sees comes from here.

Each entry has a stable code (tests, docs and support calls refer to it) and one template that says
what is wrong and how to fix it, in words a policy officer or frontline worker understands.  A
:class:`Problem` carries where it happened (file and line) so the CLI can print ``path:line: CODE
message`` and the app can show it without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """An error stops the rule set being used; a warning is shown but does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: a stable code, a message template and the fix template."""

    code: str
    title: str
    template: str
    fix: str
    severity: Severity = Severity.ERROR


CATALOGUE: dict[str, Entry] = {
    e.code: e
    for e in (
        # --- reading rule files -------------------------------------------------------------
        Entry("RS001", "File cannot be read", "cannot read {what}: {reason}",
              "check the path exists and is a readable file or a folder holding ruleset.yaml"),
        Entry("RS002", "Not valid YAML", "this is not valid YAML: {reason}",
              "check the indentation and punctuation on this line and the one before it"),
        Entry("RS003", "Duplicate key", "'{key}' appears twice in the same block (first on line {first})",
              "keep one of them; YAML would silently use only the last one"),
        Entry("RS004", "Unknown key", "'{key}' is not a setting here{suggestion}",
              "use one of: {allowed}"),
        Entry("RS005", "Wrong type or missing value", "{field}: {reason}",
              "see rules/schema.json or the README for what this setting must hold"),
        Entry("RS006", "Duplicate id", "the id '{id}' is used twice (first on line {first})",
              "give each {what} its own id; saved screenings refer to ids, so never reuse one"),
        Entry("RS007", "Unknown reference", "'{id}' is not a known {what}{suggestion}",
              "use one of the {what} ids defined in the rule file"),
        Entry("RS008", "Outcome no rule produces",
              "no rule leads to the outcome '{id}', and it is not the 'otherwise' outcome",
              "add a routing rule for it, or remove the outcome"),
        Entry("RS009", "Bad condition", "{reason}",
              "a condition is one of: yes, all, any, not, or at_least with of (see the README)"),
        Entry("RS010", "Empty rule file", "{what} is empty or is not a mapping of settings",
              "start from the shipped rules/ruleset.yaml"),
        Entry("RS011", "Bad id", "'{id}' is not a valid id",
              "ids are lower case letters, digits and underscores, starting with a letter"),
        Entry("RS014", "Bad message template", "{what} uses {{{field}}}, which is not one of {allowed}",
              "use only the named fields in braces, or write the braces twice to show them"),
        Entry("RS015", "Anchors and aliases are not read",
              "this line uses {what} ('{written}'); this tool does not read YAML anchors, aliases or "
              "merge keys, because a rule file is read aloud and checked line by line, and an alias "
              "hides what it repeats (nine lines of them can expand to a billion entries)",
              "write the text out in full wherever it is needed (no &name, *name or <<: lines)"),
        Entry("RS016", "File too large or too deeply nested",
              "this file is too large or complex to read: {reason}",
              "check it is the right file; a rule, scenario or answers file is far smaller (the "
              "limits are listed in the README under Limits)"),
        Entry("RS017", "A number where text was meant",
              "{field}: {written} is read as the number {value}, not as the text you wrote",
              "put it in quotes, so it stays exactly as written: {key}: \"{written}\" (phone numbers "
              "and versions lose leading zeros and dots, and 12:30 becomes 750, without quotes)"),
        Entry("RS018", "A colon inside a text",
              "the text after {after} holds a colon and a space ('{excerpt}'), which YAML reads as "
              "the start of another setting",
              "put the whole text in quotes: {fixed} (a text may hold colons inside quotes)"),
        Entry("RS019", "Tab used to indent",
              "this line is indented with a tab character; YAML allows only spaces for indentation",
              "replace the tab with spaces, lined up with the lines around it (two spaces a level)"),
        Entry("RS020", "Date not in the expected form",
              "{field}: '{value}' is not a date in the form YYYY-MM-DD",
              "write it as year-month-day in quotes, for example {key}: \"2026-11-30\""),
        Entry("RS012", "Dates out of order",
              "the review date {review} is not after the effective date {effective}",
              "set review_date later than effective_date"),
        Entry("RS013", "Rules not current", "this rule set is {what}",
              "agree the dates with the policy owner; screenings still show which version was used",
              Severity.WARNING),
        # --- answers given to the engine ------------------------------------------------------
        Entry("AN001", "Unknown question", "'{id}' is not a question in rule set {ruleset}{suggestion}",
              "check the spelling against the rule set's indicator ids"),
        Entry("AN002", "Bad answer", "the answer to '{id}' is {value}, which is not an answer",
              "answer yes, no or unknown (true and false are also accepted)"),
        Entry("AN003", "Answers cannot be read", "cannot read the answers: {reason}",
              "give a YAML or JSON file mapping question ids to yes, no or unknown"),
        Entry("AN004", "Text too long", "'{field}' is {length} characters long; the limit is {limit}",
              "shorten it to the gist (a longer paste is cut off at the limit): the Prevent Lead "
              "will ask for detail"),
        Entry("AN005", "Personal details in free text", "'{field}' may contain {what}",
              "a screening needs no one's name, address, date of birth or numbers (the Prevent Lead "
              "adds what they need): replace each with the button under it, or choose 'This is not "
              "personal data'", Severity.WARNING),
        # --- impact of a rule change (screening.impact.report) -----------------------------------------
        Entry("IM001", "Corpus cannot be read", "cannot read the corpus: {reason}",
              "give a CSV or parquet file with one column per question id and yes, no or unknown "
              "in each cell"),
        Entry("IM002", "Corpus format not supported",
              "a corpus must be a .csv or .parquet file, not '{suffix}'",
              "save the answers as CSV (one column per question id) or parquet"),
        Entry("IM003", "Corpus column is not a question",
              "{count} column(s) of the corpus are questions of neither rule set: {columns}",
              "remove or rename those columns; a column's name is a question id"),
        Entry("IM004", "Empty corpus", "the corpus has no screenings in it",
              "give at least one row of answers, or leave out --corpus to use the synthetic corpus"),
        Entry("IM005", "Report cannot be written", "cannot write the report: {reason}",
              "check the folder exists and you may write to it"),
        # --- proofs over the rule set (screening.proofs.checks) --------------------------------------
        Entry("CK001", "Circumstances alone reach a Prevent outcome",
              "outcome '{outcome}' ({category}) is reached with no {kinds} sign: {example}, and "
              "{decided}",
              "a person's circumstances, protective factors and profile must never on their own lead "
              "to a {category} outcome; make rule '{rule}' also need an engagement, intent or "
              "capability sign (for example add 'any_yes: {{kind: engagement}}' under 'all:')"),
        Entry("CK002", "Protective factor lowers the outcome",
              "answering '{indicator}' yes moves the outcome from '{before}' down to '{after}': "
              "{example}, and then '{indicator}' stops rule '{rule}' firing",
              "protective factors are recorded and shown, never used to lower a route; "
              "remove '{indicator}' from rule '{rule}'"),
        Entry("CK003", "A concern sign lowers the outcome",
              "answering '{indicator}' yes moves the outcome from '{before}' down to '{after}': "
              "{example}, and then '{indicator}' stops rule '{rule}' firing",
              "a sign of engagement, intent, capability or danger must never make the route less "
              "serious; remove the 'not' around '{indicator}' in rule '{rule}'"),
        Entry("CK004", "Some answers have no outcome",
              "no rule fires and there is no 'otherwise' outcome: {example}",
              "add 'otherwise: <outcome id>' under routing"),
        Entry("CK005", "Rule can never fire",
              "rule '{rule}' can never fire: no set of answers satisfies its condition",
              "fix the condition (look for an 'all' that needs a question both yes and not yes, or "
              "an at_least larger than its set can reach), or remove the rule"),
        Entry("CK006", "Rule never decides the outcome",
              "rule '{rule}' can fire but never decides the outcome: whenever it fires, {other} "
              "gives a more serious outcome",
              "remove it, or narrow the more serious rule if this one was meant to decide",
              Severity.WARNING),
        Entry("CK007", "Outcome can never be reached",
              "no set of answers leads to outcome '{outcome}'{reason}",
              "add or fix a rule that leads to it, or remove the outcome"),
        Entry("CK008", "Protected characteristic used as an indicator",
              "{where} uses '{term}' ({category}): {why} {explanation}",
              "describe what the person said or did instead, never who they are; a protected group "
              "may be named only as the target of the person's hostility (for example 'threatened "
              "to attack a place of worship')"),
        Entry("CK009", "Prevent outcome without a safeguard",
              "outcome '{outcome}' is a {category} outcome but does not say which kinds of sign it "
              "needs",
              "add 'needs_one_of_kinds: [engagement, intent, capability]' (or [gate] for an "
              "emergency), so the checker can prove the outcome is never reached without one"),
        Entry("CK010", "Safeguard names the wrong kinds",
              "outcome '{outcome}' lists {kinds} under needs_one_of_kinds",
              "contextual, protective and profile answers never lead to a {category} outcome; "
              "list only gate, engagement, intent or capability kinds"),
        Entry("CK011", "Profile answer changes the recommendation",
              "answering '{indicator}' yes changes the outcome from '{before}' to '{after}': "
              "{example}, because rule '{rule}' reads it",
              "questions about the person (such as age or care needs) only add safeguarding steps; "
              "remove '{indicator}' from rule '{rule}' and use an additional step instead"),
        Entry("CK012", "Outcome reached without the signs it declares",
              "outcome '{outcome}' is reached with no {kinds} sign answered yes: {example}, and "
              "{decided}",
              "make rule '{rule}' also need one of the declared kinds, or correct "
              "needs_one_of_kinds for '{outcome}'"),
        Entry("CK013", "Protective factor raises the outcome",
              "answering '{indicator}' yes moves the outcome from '{before}' up to '{after}': "
              "{example}, because rule '{rule}' reads it",
              "protective factors are recorded and shown, never weighed in routing; "
              "remove '{indicator}' from rule '{rule}'"),
        Entry("CK014", "No fairness list", "there is no fairness.yaml beside {file}, so no wording "
              "was checked for protected characteristics",
              "copy the shipped rules/fairness.yaml into the same folder; without it the rule set "
              "is not used"),
        Entry("CK015", "Safeguards could not be proved",
              "the checker could not finish proving the safeguards within {seconds} s per question "
              "({reason})",
              "a rule set that cannot be proved is not used: simplify the rules (fewer 'not's, "
              "smaller at_least sets) or ask for help from the product team"),
        Entry("CK016", "Stable contract broken",
              "{what} '{id}' {how}; the stable contract requires {required}",
              "restore it as the contract says: saved screenings, tests and the safeguard proofs "
              "rely on these ids meaning what they say; add a new id for anything new instead of "
              "removing or relabelling one"),
        Entry("CK017", "Outcomes out of order",
              "outcome '{outcome}' ({category}) is listed above outcome '{other}' "
              "({other_category}), so it wins over '{other}' whenever rules for both fire",
              "outcomes are listed most serious first: every emergency outcome above every prevent "
              "outcome, above support, above none; move '{outcome}' below '{other}', or correct "
              "its category"),
        Entry("CK018", "Danger sign does not lead to 999",
              "answering the gate question '{indicator}' yes gives '{outcome}' ({category}), not an "
              "emergency outcome: {example}, and {decided}",
              "any sign of immediate danger must lead to calling 999, whatever else is answered; "
              "make an emergency rule fire on '{indicator}' (for example 'any_yes: {{kind: gate}}') "
              "with no 'not' that can switch it off"),
        Entry("CK019", "Additional step reads more than the person's profile",
              "additional step '{step}' reads {what}; additional steps may read only questions "
              "about the person (profile)",
              "a step is added whatever the outcome, so it must not become a second route; make "
              "'{step}' read only profile questions such as under_18 or care_and_support_needs"),
        Entry("CK020", "A circumstance lowers the outcome",
              "answering '{indicator}' yes moves the outcome from '{before}' down to '{after}': "
              "{example}, and then '{indicator}' stops rule '{rule}' firing",
              "circumstances may raise a route (read in conjunction with signs of concern), never "
              "lower it; remove the 'not' around '{indicator}' in rule '{rule}'"),
        Entry("CK021", "Contacts do not keep the routes safe", "{what}",
              "the emergency route is 999 and Prevent outcomes name the Prevent Lead "
              "(default_contact); every number must be a UK phone number a worker can dial"),
        Entry("CK022", "A support step or outcome reads like a Prevent route",
              "{where} says '{phrase}', which refers or reports the person to the police, the "
              "hotline or Prevent, but {why}",
              "only emergency and Prevent outcomes may send a person onwards to the police, the "
              "hotline, Prevent or Channel; describe the support to offer instead (asking the "
              "Prevent Lead for advice 'if in doubt' is fine)"),
        Entry("CK023", "New concern question needs policy review",
              "'{indicator}' is a new question in {kind} factor '{factor}': answered yes, "
              "{consequence}",
              "check it describes behaviour (a sign of engagement, intent or capability), never a "
              "circumstance or characteristic, and add it to rules/tests with a scenario",
              Severity.WARNING),
        Entry("CK024", "The account step is not safe", "{what}",
              "the account must require what was noticed, and the age question must name a profile "
              "question; see the shipped rules/ruleset.yaml"),
        Entry("CK025", "Rule wording is not plain text", "{where} contains {what}: {excerpt}",
              "rule wording is shown to workers as plain text: remove links, images, web and email "
              "addresses, HTML and direction controls (a number to call belongs in contacts:)"),
        Entry("CK026", "A concern question reads like a circumstance",
              "{where} is a concern question ({kind}), but it reads like a circumstance: {why}",
              "a circumstance (a need, a loss, a diagnosis, an arrest, unemployment, where someone "
              "lives) stays a context question, whatever the label; ask what the person said or did "
              "that is a sign of engagement, intent or capability, or move it to a context factor"),
        Entry("CK027", "A support route uses a police, hotline or Prevent contact",
              "{where} names contact '{contact}', a {category} contact, but {why}",
              "support and no-concern outcomes, and steps added because of who the person is, use "
              "only a safeguarding or support contact; only danger signs lead to 999 and only "
              "engagement, intent or capability signs to the Prevent Lead"),
        Entry("CK028", "A contact's category is wrong", "contact '{contact}' {what}",
              "give every contact the category of where it really sends the worker (emergency, "
              "prevent, safeguarding, support or police); the route checks rely on it"),
        Entry("CK029", "Wording generalises about a group of people",
              "{where} generalises about a group of people: '{phrase}'",
              "describe what this person said or did, never what a group, community or condition "
              "is like; stereotypes drive inappropriate referrals and are unlawful (Equality Act "
              "2010). A group may be named only as the target of the person's hostility"),
        Entry("CK030", "Concern question not approved",
              "{what} '{id}' {how}: a new or edited concern question needs a second person's "
              "approval before it goes live",
              "the Prevent Lead (not the author) reads it and records an approval in "
              "rules/approvals.yaml: '- question: {id}', 'sha256: {sha256}', 'approver_role: "
              "Prevent Lead', 'date: YYYY-MM-DD' and 'equality_note:' (who it could affect and why "
              "it is fair)"),
        Entry("CK031", "Fairness exception not approved",
              "the allowed phrase '{phrase}' in fairness.yaml {how}: an exception to the fairness "
              "list needs a second person's approval",
              "the Prevent Lead (not the author) decides whether the phrase is really about "
              "behaviour and, if so, records an approval in rules/approvals.yaml: '- allow: "
              "{phrase}', 'sha256: {sha256}', 'approver_role: Prevent Lead', 'date:' and "
              "'equality_note:'; otherwise reword the rule and remove the exception"),
        Entry("CK032", "Fairness list shortened without approval",
              "{what} was removed from fairness.yaml without an approval",
              "put it back, or have the Prevent Lead (not the author) approve the removal in "
              "rules/approvals.yaml: {record}, 'sha256: {sha256}', 'approver_role: Prevent Lead', "
              "'date:' and 'equality_note:'; adding terms never needs approval"),
        Entry("CK033", "Approvals cannot be used", "{what}",
              "rules/approvals.yaml records who approved each concern question and fairness "
              "exception: approver_role Prevent Lead, a date in the form YYYY-MM-DD no later than "
              "today, and an equality_note of a sentence or more (see the shipped file)"),
        Entry("CK034", "Concern question used by no rule",
              "the {kind} question '{indicator}' is read by no routing rule, so answering yes to "
              "it changes nothing",
              "read it in a rule (for example through its factor or group), or remove it; a worker "
              "who answers yes expects it to count", Severity.WARNING),
        # --- rule-file scenarios (rules/tests) --------------------------------------------------
        Entry("TS001", "Scenario gives a different result",
              "scenario '{name}': {mismatches}; rules that fired: {trace}",
              "if the rule change was intended, update the scenario's expect; if not, fix the rules"),
        Entry("TS002", "Bad scenario file", "{reason}",
              "each scenario has name, description, answers and expect with an outcome"),
        Entry("TS003", "Unknown id in a scenario",
              "scenario '{name}': '{id}' is not a known {what} in rule set {ruleset}{suggestion}",
              "use one of the {what} ids defined in the rule file"),
        Entry("TS004", "No scenarios", "no scenario files (*.yaml) in {folder}",
              "add scenario files to {folder}; a rule set with no scenarios is not tested"),
        Entry("TS005", "Rule with no scenario", "no scenario exercises the {what} '{id}'",
              "add a scenario in which it decides the outcome (or is added), so a change to it "
              "is noticed", Severity.WARNING),
        Entry("TS006", "Scenario describes a characteristic",
              "scenario '{name}': the description uses '{term}' ({category})",
              "describe what the worker saw or heard the person say or do, never who they are"),
        Entry("TS007", "Scenario file not run",
              "this scenario file was not run ({problems} above); the scenarios in the other files "
              "were run and are reported below",
              "fix the problems listed for this file and run the scenarios again; until then its "
              "cases are not checked"),
        # --- the last resort: never a traceback ---------------------------------------------------
        Entry("IN001", "Unexpected problem", "something unexpected went wrong ({what})",
              "nothing was changed; please report this to the team that runs the tool, with the "
              "file that caused it"),
        # --- stored screenings and exports -----------------------------------------------------
        Entry("EX001", "Screening file refused", "this screening file cannot be opened: {reason}",
              "open the file exactly as it was exported; ask the worker to export it again"),
        Entry("EX002", "Not a screening file", "this file is not a screening export: {reason}",
              "choose the .json file saved from a screening's result page"),
        Entry("EX003", "Screening file was changed",
              "the file was changed after it was exported: its integrity check does not match its "
              "contents",
              "ask the worker for the original export; an edited file cannot be relied on as the record"),
        Entry("EX004", "Export from another version",
              "this file uses export format version {found}; this tool reads version {expected}",
              "open it with a matching version of the tool, or export the screening again"),
        Entry("EX005", "Screening details not valid", "{field}: {reason}",
              "open the file exactly as it was exported; ask the worker to export it again"),
        Entry("EX006", "Answers do not fit their rules",
              "the answers in the file do not fit the rule set they were made with ({ruleset}): "
              "{reason}",
              "the file is damaged or was edited; ask the worker to export the screening again"),
        Entry("EX007", "Screening file not sealed with the council's key",
              "this file has only a plain checksum, which anyone who edits a file can recompute, and "
              "this tool is set up to open only files sealed with the council's export key",
              "ask the worker to export the screening again from the council's tool"),
        Entry("EX008", "Seal cannot be checked here",
              "this file is sealed with an export key, but this tool has no export key set up, so "
              "it cannot check that the file is genuine and unchanged",
              "open it in the council's tool, or ask your administrator to set the council's export "
              "key (SCREENING_EXPORT_KEY)"),
        Entry("EX009", "Screening file sealed with another key",
              "this file is sealed with export key {key_id}, which this tool does not hold (another "
              "council's tool, or a key retired from this one), so it cannot be shown to be genuine "
              "and unchanged",
              "open it in the tool that made it, or ask the worker to export the screening again "
              "here; an administrator who still has the retired key can add it back to "
              "SCREENING_EXPORT_KEYS after the newest"),
        Entry("EX010", "Copies in the screening file disagree",
              "the file's copies of {what} disagree: {reason}",
              "the file is damaged or was edited; ask the worker for the original export"),
        Entry("EX011", "Stored result is not what its rules give",
              "the file was made with {which} ({ruleset}), which always give the same result "
              "for the same answers, but its stored result differs: {reason}",
              "the file was edited after it was made; ask the worker for the original export, and "
              "if that is refused too, tell the product team"),
        Entry("EX012", "Rules that made the file are not on record",
              "cannot verify: this installation has no record of the rule set it names ({ruleset}), "
              "so the stored result cannot be checked against the rules that made it",
              "read the stored result as the file's own claim; the replay under today's rules is "
              "checked. To verify it, open the file in the installation that made it, or add that "
              "rule set's files here with: python -m screening register add RULES",
              Severity.WARNING),
        Entry("EX013", "Rule set on record cannot be used",
              "this installation's register holds rule set {ruleset}, but it cannot be used: {reason}",
              "restore the register folder (SCREENING_REGISTER, default data/register) from a backup, "
              "or add the rule set again from its original files: python -m screening register add RULES"),
        Entry("EX014", "Export key too short",
              "the export key {which} is {length} bytes long; a key must be at least {minimum} bytes",
              "ask your administrator to set a random key of at least {minimum} characters, for "
              "example from: python -c \"import secrets; print(secrets.token_urlsafe(32))\""),
        Entry("EX015", "Export key setting cannot be read",
              "the export key setting {setting} cannot be read: {reason}",
              "write SCREENING_EXPORT_KEYS as label:key pairs separated by commas, newest first "
              "(for example 2026:NEWKEY,2025:OLDKEY), or set only SCREENING_EXPORT_KEY (see the README)"),
        Entry("EX016", "Unexpected content in the screening file",
              "{where} holds '{key}', which is not part of a screening export",
              "open the file exactly as it was exported; a file with added content cannot be relied on "
              "as the record"),
        Entry("EX019", "The worker's decision does not fit the screening",
              "the worker's decision to choose '{chosen}' {reason}",
              "the file was edited, or kept a decision made before the answers changed; ask the "
              "worker to record their decision on the answers as they stand and export it again"),
        # --- the store of saved screenings -------------------------------------------------------
        Entry("ST001", "Store unavailable", "the screening store cannot be reached just now ({reason})",
              "your answers are still on this screen: note the recommendation and the contacts, try "
              "saving again in a minute, and tell the team that runs the tool if it goes on"),
        Entry("ST002", "Unknown reference", "no saved screening has the reference '{reference}'",
              "check the reference (two groups of four letters and digits, for example KQ3X-M7TD)"),
        Entry("ST003", "Reference not made", "a new reference could not be made",
              "try again; tell the team that runs the tool if it goes on"),
        Entry("ST004", "Screening already moved on", "screening {reference} {state}",
              "open it from the review queue instead"),
        Entry("ST005", "Saved elsewhere since", "screening {reference} was saved in another tab or "
              "on another device since you opened it",
              "reload it to see the newest answers before changing them"),
        Entry("ST006", "Not a decision", "'{decision}' is not a review decision",
              "choose one of: {allowed}"),
        Entry("ST007", "Reason needed", "a reason is needed when the route differs from the "
              "recommendation ({route} instead of {recommended})",
              "give the reason in a sentence or two (10 characters or more)"),
        Entry("ST008", "Sign-off needed", "choosing {route}, lower than the recommended {recommended}, "
              "needs who signed it off",
              "give the role of the senior officer who agreed it (judgement may raise a route; it is "
              "never lowered silently)"),
        Entry("ST009", "Store key problem", "the store's encryption key {reason}",
              "set SCREENING_STORE_KEYS to the council's Fernet key(s), newest first, or in local mode "
              "keep the key file beside the database (see the README)"),
        Entry("ST010", "Audit trail broken", "the audit trail is broken at record {seq}: {reason}",
              "do not purge anything; restore the database from its last good backup and report it "
              "to your information governance lead"),
        Entry("ST011", "Unknown rule change", "no rule change has the reference '{reference}'",
              "pick it from the list of rule changes awaiting approval"),
        Entry("ST012", "Rule change already decided", "rule change {reference} was already {state}",
              "check the draft again in the workbench and put it forward as a new change"),
        Entry("ST013", "Reason needed", "a reason is needed to {decision} a rule change",
              "say in a sentence or two why (10 characters or more): for an approval, the equality "
              "note that goes into approvals.yaml; for a rejection, what must change"),
        Entry("ST014", "Draft cannot be approved", "rule change {reference} {why}",
              "the editor fixes the draft in the workbench and puts it forward again"),
        Entry("ST015", "Nothing to put forward", "this draft {why}",
              "{fix}"),
        # --- sign-in and roles -------------------------------------------------------------------
        Entry("AU001", "Unknown role", "'{role}' (for {who}) is not a role{suggestion}",
              "use one of: {allowed}"),
        Entry("AU002", "Roles file unreadable", "the roles file {file} cannot be used: {reason}",
              "fix the file (see config/roles.yaml for the layout), or set SCREENING_ROLES_FILE to the "
              "council's roles file; until then nobody can sign in to any page"),
        Entry("AU003", "Roles file entry not understood", "{what}", "{fix}"),
        Entry("AU004", "Local mode on another address",
              "this copy runs in local mode (no sign-in), so it answers only on this computer, and it "
              "was started on the address {address}",
              "start it on 127.0.0.1 (make run), or set up council sign-in (SCREENING_AUTH=council "
              "and an [auth] section in .streamlit/secrets.toml, see the README) before serving it "
              "to other computers"),
        Entry("AU005", "No role", "you are signed in as {email}, but you have no role in this tool",
              "ask your administrator to add you (or a group you are in) to the roles file; if you "
              "have a concern now, call the numbers on this page"),
        Entry("AU006", "Sign-in expired", "your sign-in ran out at {when}",
              "sign in again to carry on"),
        Entry("AU007", "Not for your role", "your roles ({roles}) do not allow you to {what}",
              "if your work needs it, ask your administrator to give you the {needed} role"),
        Entry("AU008", "Not a screening you may open",
              "no screening you may open has the reference '{reference}'",
              "check the reference; you can open your own screenings and, as a supervisor, those "
              "of your teams"),
        Entry("AU009", "Sign-in not set up", "council sign-in cannot start: {reason}",
              "put redirect_uri, cookie_secret, client_id, client_secret and server_metadata_url in "
              "the [auth] section of .streamlit/secrets.toml (see the README), or unset "
              "SCREENING_AUTH to run in local mode on this computer only"),
        Entry("AU010", "Approving your own change",
              "a rule change must be approved by someone other than its editor ({editor})",
              "ask another policy approver to approve it (four eyes)"),
    )
}


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean X?)' for a near miss, else ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class Problem:
    """One finding, located in a file, with its catalogue code."""

    code: str
    message: str
    fix: str
    path: str = ""
    line: int = 0
    severity: Severity = Severity.ERROR

    @property
    def where(self) -> str:
        """``path:line`` (or just the path) for messages."""
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or "<input>"

    def format(self) -> str:
        """One line: ``path:line: CODE message; how to fix``."""
        return f"{self.where}: {self.code} {self.message}; {self.fix}"

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON output."""
        return {"code": self.code, "path": self.path, "line": self.line, "message": self.message,
                "fix": self.fix, "severity": self.severity.value}


def shown_value(value: object, limit: int = 60) -> str:
    """A value a person typed, as a message quotes it: its repr, cut short (a 200,000-character answer
    is not worth echoing back)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def problem(code: str, path: str = "", line: int = 0, **fields: object) -> Problem:
    """Build a Problem from its catalogue entry (the only way messages are made)."""
    entry = CATALOGUE[code]
    return Problem(code=code, message=entry.template.format(**fields),
                   fix=entry.fix.format(**fields), path=path, line=line, severity=entry.severity)


#: At most this many problems are printed or shown; the rest are counted in one line.  A person fixes
#: problems from the top, and 200,000 lines of the same mistake help nobody (nor the terminal).
SHOWN_PROBLEMS = 10


def capped(problems: Sequence[Problem], limit: int = SHOWN_PROBLEMS) -> tuple[list[Problem], str]:
    """The first ``limit`` problems and '... and N more' for the rest ('' when none are left out).

    When some must be left out, errors come before warnings (otherwise the order is kept), so what
    stops the rule set is never hidden behind what does not.
    """
    if len(problems) <= limit:
        return list(problems), ""
    ordered = sorted(problems, key=lambda p: p.severity is not Severity.ERROR)  # stable sort
    return ordered[:limit], f"... and {len(ordered) - limit:,} more"


def printable(line: str) -> str:
    """``line`` with every invisible or control character (CR, ESC, U+202E, a lone surrogate...)
    written as its escape, so text quoted from a file can neither break a line nor rewrite a terminal."""
    if line.isprintable():
        return line
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in line)


def capped_lines(problems: Sequence[Problem], limit: int = SHOWN_PROBLEMS) -> list[str]:
    """One printable ``path:line: CODE message; fix`` line per shown problem, then '... and N more'."""
    shown, more = capped(problems, limit)
    return [printable(p.format()) for p in shown] + ([more] if more else [])


class ScreeningError(Exception):
    """Raised with one or more Problems; ``str()`` gives one line per problem."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class RuleSetError(ScreeningError):
    """The rule files cannot be used."""


class AnswersError(ScreeningError):
    """The answers given to the engine are not valid for this rule set."""


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (docs/error-codes.md is generated from this)."""
    rows = ["# Error codes", "",
            "Every message the tool shows comes from this catalogue. Generated by "
            "`python -m screening.errors`; do not edit by hand.", "",
            "| code | severity | what it means | message | how to fix |", "|---|---|---|---|---|"]
    for e in CATALOGUE.values():
        cells = [e.code, e.severity.value, e.title, e.template, e.fix]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
