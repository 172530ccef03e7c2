-- SPDX-License-Identifier: MIT
-- The parley command line. Exit codes never change meaning:
-- 0 clean, 1 findings at or above --fail-on, 2 a rule or run failed, 3 bad input or configuration.

local cli = {}

local EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 2, 3

-- The commands, in the order the help lists them: name, arguments, what it does. The help,
-- the man page and the shell completions are all made from this table and HELP below.
local COMMANDS = {
   { "reconcile", "CONFIG", "run the rules a config names and report the findings" },
   { "runs", "DB", "the runs stored in DB" },
   { "report", "DB RUN", "report a stored run again, in any format, without running its rules" },
   { "diff", "DB [RUN_A] [RUN_B]", "findings new, persisting, corrected and resolved between two runs" },
   { "rules", "list|test", "the built-in rules; run a rule's test cases" },
   { "import", "DB FILE...", "validate dataset files and add them to the store DB (created if new)" },
   { "validate", "FILE...", "check dataset files without a store" },
   { "export", "DB [--out DIR]", "write what a store holds as datasets, or tables with HXL hashtags" },
   { "claims", "DB [--subject S]", "each subject's competing claims side by side, with their sources" },
   { "query", "DB SQL [VALUE...]", "run one SQL statement (read-only) and print its rows (--format csv|json)" },
   { "verify", "DB", "check a store received from someone else before trusting it" },
   { "names", "match A B", "whether two names are the same person's, with the score and why" },
   { "version", "", "print parley's version" },
   { "help", "[COMMAND]", "this text, or a command's" },
}

-- people, person and review come from parley.cli_people, whose USAGE lines are written as the
-- help's ("  NAME ARGS   what it does"): they go after names, before version and help.
for _, line in ipairs(require("parley.cli_people").USAGE) do
   local name, args, summary = line:match("^%s*(%S+)%s?(.-)%s%s+(%S.*)$")
   table.insert(COMMANDS, #COMMANDS - 1, { name, args, summary })
end

local EXIT_CODES = [[
exit codes: 0 clean, 1 findings at or above --fail-on, 2 a rule or run failed or an output
            could not be written, 3 bad input or configuration]]

local function usage_text()
   local width = 0
   for _, c in ipairs(COMMANDS) do width = math.max(width, #c[1] + 1 + #c[2]) end
   local lines = { "usage: parley COMMAND [ARGS]", "", "commands:" }
   for _, c in ipairs(COMMANDS) do
      local head = c[2] ~= "" and (c[1] .. " " .. c[2]) or c[1]
      lines[#lines + 1] = string.format("  %-" .. width .. "s  %s", head, c[3])
   end
   lines[#lines + 1] = ""
   lines[#lines + 1] = EXIT_CODES
   return table.concat(lines, "\n")
end

local USAGE = usage_text()

local HELP = {
   reconcile = [[
usage: parley reconcile CONFIG [--store DB] [--no-store] [--format FORMAT,...] [--out PATH]
                        [--fail-on LEVEL] [-j N] [-q|--quiet] [--share LEVEL] [--share-key FILE]
                        [--allow-outside] [--root DIR]
Imports the config's data into its store (or into DB: --store names the store to use instead of
the config's own; a CONFIG of - is read from standard input, its paths relative to the working
directory), runs each rule in its own sandbox (in parallel on N
threads, default: the number of cores), stores the run (not with --no-store: to try a config
without recording a run) and prints it: text (a summary, coloured
on a terminal), json (one object per line), html (one self-contained page with charts),
markdown, csv (with HXL hashtags) or sarif (SARIF 2.1.0); docs/reports.md. --out writes the
report to PATH instead of standard output (whole or not at all); several formats
(--format html,csv,sarif) are reports of the same run, written into the directory --out DIR
names as report.html, report.csv, report.sarif (report.md, report.txt), each path printed;
-q/--quiet prints nothing.
The config's store, data, scripts and reports must lie inside its own directory (no "..", no
absolute path or symbolic link leading out, no report written through a link);
--allow-outside lifts that for a config you trust (docs/security.md).
Options may be written --name value or --name=value. Exit code: 3 bad configuration or data,
2 a rule failed or the report could not be written, 1 a finding at or above --fail-on (info,
low, medium, high, critical), else 0. --share public|partner|internal writes every report of
the run under that sharing policy (persons as keyed pseudonyms, birth years as decades, ...;
docs/sharing.md), over the config's share:; --share-key names the pseudonyms' key file.
--root DIR: the directory the reports give the datasets' paths relative to (the SARIF
report's %SRCROOT%, for a code-scanning dashboard of the repository at DIR; default the working
directory).]],
   rules = [[
usage: parley rules list
       parley rules test DIR|FILE.test.yaml [-q|--quiet]
list: the built-in rules with their versions and descriptions.
test: runs every *.test.yaml case under DIR (docs/rules.md) and reports each difference between
the findings a case expects and those the rule produces; -q prints only the failing cases.
Exit code 1 when a case fails, 3 when a test file is malformed.]],
   import = [[
usage: parley import DB FILE... [--map MAPPING.yaml] [--set FIELD=VALUE]... [-q|--quiet]
Validates every file as one batch (docs/dataset.md) and writes all of it to the store DB in one
transaction, or nothing; a FILE of - is a YAML dataset read from standard input (named <stdin>
in messages). A file imported before is skipped; -q prints no summary (and no progress line,
which an import of over a second shows on a terminal's stderr). A CSV, TSV or .xlsx
table is read through the mapping --map names, or an HXL table by its tags; --set gives a
field of every row (a claim's claimant, say) over the mapping and the tags (docs/tables.md).
Problems go to stderr as file:line:col: message (at key.path), or FILE:ROW:COLUMN (header):
field: message for a table, and the exit code is 3.]],
   validate = [[
usage: parley validate FILE... [--map MAPPING.yaml] [--set FIELD=VALUE]... [--preview N]
       [-q|--quiet]
Checks dataset files as one batch, without a store (a FILE of - is standard input, <stdin> in
messages; -q prints nothing when they are valid): every problem is reported, each as
file:line:col: message (at key.path), or FILE:ROW:COLUMN (header): field: message for a CSV,
TSV or .xlsx table read through --map or its HXL tags, with --set as for import
(docs/tables.md). --preview N prints the first N records of each table as parley YAML. Exit
code 0 when valid, 3 otherwise.]],
   export = [[
usage: parley export DB [--since IMPORT_ID] [--out DIR] [--share LEVEL] [--share-key FILE]
       [-q|--quiet]
       parley export DB --format csv --kind persons|claims|exchanges [--out FILE] [--share LEVEL]
Writes what the store DB holds as canonical parley YAML datasets, one per import (or only the
imports after IMPORT_ID), named NNNN-NAME.yaml in DIR (default: the current directory), each
with its original name and SHA-256 in a header comment, and prints their paths (not with -q).
Importing them into another store gives the same records, so analysts merge their stores by
importing each other's exports.
--format csv writes one table of persons, claims or exchanges with HXL hashtags, to FILE or
standard output (docs/tables.md). --share applies a sharing policy to every record written
(docs/sharing.md). Exit code 0, or 3 (a store or directory that cannot be used).]],
   verify = [[
usage: parley verify DB
Checks, without changing it, that the store DB holds what parley would have written: its schema
is exactly the one parley's migrations make (no extra or changed trigger, view or index, none
missing), SQLite's integrity and foreign-key checks pass, every append-only table keeps its
guards, every record's digest re-computed from its rows equals the one kept at import (a row
edited with another tool shows), each import holds the records its counts say, and each
finding's fingerprint matches its rule and evidence and no finding is missing. Prints one
line per check and one per problem (docs/security.md). Exit code 0 when every check passes, 3
otherwise (or when DB cannot be opened).]],
   claims = [[
usage: parley claims DB [--subject SUBJECT]
Prints, for each subject (and holder and about), every party's claims side by side with their
sources and grades, oldest first. Subjects are read through the store's vocabulary: a synonym
is its subject (--subject pows shows the claims of prisoners_of_war, however written).]],
   names = [[
usage: parley names match A B [--born-a YEAR] [--born-b YEAR]
       parley names key NAME
match: whether A and B are spellings of the same name (across Armenian, Azerbaijani, Russian
and Latin forms), the score in [0,1] and the explanation; exit code 0 for a match, 1 for none.
key: the script-independent matching key of NAME (docs/names.md).]],
   runs = [[
usage: parley runs DB
Lists the runs stored in DB, oldest first: id, config, when it started, its status, how many
findings it stored and how many rules failed. Exit code 0, or 3 when DB cannot be read.]],
   report = [[
usage: parley report DB RUN [--format FORMAT] [--out PATH] [--share LEVEL] [--share-key FILE]
                           [--root DIR]
Writes the stored run RUN (an id from `parley runs`, or `latest`) again from the store, without
running its rules: text (default), json, html, markdown, csv or sarif (docs/reports.md), with
the history since the previous run of the same config. Exit code 0, 2 when --out cannot be
written (the file is written whole or not at all), or 3 (no such run, a bad format, a store
that cannot be used, a sharing policy that cannot be applied). --share public|partner|internal:
the sharing policy (docs/sharing.md). --root DIR: as for reconcile, the directory the datasets'
paths are given relative to.]],
   diff = [[
usage: parley diff DB [RUN_A] [RUN_B] [--new-only | --resolved-only]
Which findings are new, persisting, corrected or resolved from run A to run B (matched by
fingerprint; a finding on corrected evidence is the correction of the one it replaces, shown
with the ids replaced), which records were corrected and which rules changed version in
between. B defaults to the latest run; with one run given, it is B; A defaults to the run
before B of the same config. A warning goes to stderr when A is newer than B. --new-only and
--resolved-only list only those findings (the summary line stays). Exit code 0, or 3 (no such
run, or a store that cannot be read).]],
   query = [[
usage: parley query DB SQL [VALUE...] [--format table|csv|json] [-q|--quiet]
Runs one SQL statement on a read-only connection, binding VALUEs to ? parameters (numbers stay
numbers), and prints every column in the order of the SELECT, NULL in every row or not: as a
table (default; NULL is an empty cell), then the number of rows (not with -q), CSV (RFC 4180;
NULL is an empty field) or JSON (one object per row, keys in column order; NULL is null).]],
   version = [[
usage: parley version
Prints parley's version and the version of SQLite it runs on (also: parley --version).]],
   help = [[
usage: parley help [COMMAND]
Prints the list of commands, or what COMMAND does and takes (also: parley COMMAND --help).
An unknown COMMAND is an error, with the commands it may have meant. Exit code 0, or 3.]],
}

local function out(io_, ...) io_:write(...) end

---------------------------------------------------------------------------- formatting

local write_file = require("parley.files").write
local report = require "parley.report"
local did_you_mean = require("parley.text").did_you_mean
-- Text from the data (a store's rows, a dataset's values quoted in a message) is printed through
-- these, so it cannot send the terminal escapes or forge a line (parley.text).
local printable = require("parley.text").printable
local printable_lines = require("parley.text").printable_lines
local vocab = require "parley.vocab"
local claim_value = require("parley.report.common").claim_value

-- At most n characters of s, cut at a word and marked with an ellipsis.
local function shorten(s, n)
   s = s:gsub("%s+", " ")
   if (utf8.len(s) or #s) <= n then return s end
   local cut = s:sub(1, utf8.offset(s, n - 1) - 1):gsub("%s+%S*$", "")
   return cut .. "…"
end

-- Pads by characters rather than bytes, so Armenian and Cyrillic line up.
local function pad(s, width)
   local n = utf8.len(s) or #s
   if n >= width then return s end
   return s .. string.rep(" ", width - n)
end

local function table_text(header, rows)
   local widths = {}
   for i, h in ipairs(header) do widths[i] = utf8.len(h) or #h end
   local shown = {}
   for n, r in ipairs(rows) do
      shown[n] = {}
      for i, v in ipairs(r) do
         shown[n][i] = printable(v, false)
         widths[i] = math.max(widths[i], utf8.len(shown[n][i]) or #shown[n][i])
      end
   end
   rows = shown
   local lines = {}
   local function line(r)
      local cells = {}
      for i, v in ipairs(r) do cells[i] = i < #r and pad(v, widths[i]) or v end
      lines[#lines + 1] = table.concat(cells, "  ")
   end
   line(header)
   local rule = {}
   for i, w in ipairs(widths) do rule[i] = string.rep("-", w) end
   line(rule)
   for _, r in ipairs(rows) do line(r) end
   return table.concat(lines, "\n")
end

---------------------------------------------------------------------------- commands

local commands = {}

local function open_store(path, opts, stderr)
   local parley = require "parley"
   local db, err = parley.open(path, opts)
   if not db then
      out(stderr, "parley: ", printable_lines(err), "\n")
      return nil
   end
   return db
end

function commands.claims(args, io_)
   local path, subject = nil, nil
   local i = 1
   while i <= #args do
      if args[i] == "--subject" then
         subject = args[i + 1]
         i = i + 2
      elseif not path then
         path = args[i]
         i = i + 1
      else
         out(io_.stderr, HELP.claims, "\n")
         return EXIT_INPUT
      end
   end
   if not path or (args[#args] == "--subject" and not subject) then
      out(io_.stderr, HELP.claims, "\n")
      return EXIT_INPUT
   end
   local db = open_store(path, { readonly = true }, io_.stderr)
   if not db then return EXIT_INPUT end
   local sources = {}
   for s in db:sources() do sources[s.id] = s end
   local groups, order, all, superseded = {}, {}, {}, {}
   -- subjects compared as the rules compare them: pows is prisoners_of_war
   local vocabulary = db:vocabulary()
   local wanted = subject and vocabulary:canonical_subject(subject)
   for c in db:claims() do
      if not wanted or c.canonical.subject == wanted then all[#all + 1] = c end
      if c.supersedes then superseded[c.supersedes] = c.id end
   end
   for _, c in ipairs(all) do
      local key = string.format("%s|%s|%s", c.canonical.subject, c.holder or "", c.about or "")
      if not groups[key] then
         groups[key] = { subject = c.canonical.subject, holder = c.holder, about = c.about, claims = {} }
         order[#order + 1] = key
      end
      table.insert(groups[key].claims, c)
   end
   table.sort(order)
   for n, key in ipairs(order) do
      local g = groups[key]
      local title = g.subject
      if g.holder then title = title .. " held by " .. g.holder end
      if g.about then title = title .. ", about " .. g.about end
      local rows = {}
      for _, c in ipairs(g.claims) do
         -- each source the claim names, with its grade and date
         local said = {}
         for k, id in ipairs(c.sources or { c.source }) do
            local s = sources[id] or {}
            local grade = (s.reliability or "") .. (s.credibility and tostring(s.credibility) or "")
            said[k] = string.format("%s%s%s", id, grade ~= "" and " (" .. grade .. ")" or "",
               s.published and ", " .. s.published or "")
         end
         rows[#rows + 1] = {
            c.claimant, c.as_of, claim_value(c), c.scope and table.concat(c.scope, ", ") or "",
            table.concat(said, "; "),
            superseded[c.id] and ("superseded by " .. superseded[c.id]) or shorten(c.text or "", 60),
         }
      end
      out(io_.stdout, n > 1 and "\n" or "", printable(title, false), "\n",
         table_text({ "party", "as of", "claim", "scope", "source", "says" }, rows), "\n")
   end
   if #order == 0 then
      -- a subject the store's vocabulary or its claims spell otherwise ("detainee")
      local near = subject and vocabulary:suggest_subject(subject)
      if subject and not near then
         local stored = {}
         for row in db:query("SELECT DISTINCT subject FROM claims ORDER BY subject") do
            stored[#stored + 1] = row.subject
         end
         near = require("parley.text").did_you_mean(subject, stored):match("'(.*)'")
      end
      out(io_.stdout, "no claims", subject and (" about " .. subject) or "",
         near and near ~= subject and (": did you mean " .. near .. "?") or "", "\n")
   end
   db:close()
   return EXIT_OK
end

-- Parses "--name value", "--name=value", "-j N" and "-q" options; returns options and the
-- remaining arguments, or nil and a message. "-" alone is an argument (standard input).
local SHORT = { j = "jobs", q = "quiet" }

local function options(args, known)
   local opts, rest = {}, {}
   local i = 1
   while i <= #args do
      local a = args[i]
      local name, inline = a:match("^%-%-([%w-]+)=(.*)$")
      name = name or a:match("^%-%-([%w-]+)$") or SHORT[a:match("^%-(%a)$") or ""]
      if name then
         local kind = known[name]
         if not kind then return nil, "unknown option " .. a end
         if kind == "flag" then
            if inline then return nil, "option --" .. name .. " takes no value" end
            opts[name] = true
            i = i + 1
         elseif inline then
            opts[name] = inline
            i = i + 1
         else
            local v = args[i + 1]
            if v == nil then return nil, "option " .. a .. " needs a value" end
            opts[name] = v
            i = i + 2
         end
      else
         rest[#rest + 1] = a
         i = i + 1
      end
   end
   return opts, rest
end

-- The name standard input goes by in messages ("<stdin>:3:5: ...").
local STDIN_NAME = "<stdin>"

-- The files of an import or validate command: paths, with each table (CSV, TSV, .xlsx)
-- given as a table source {table = PATH, map = MAPPING, set = {FIELD = VALUE}} when --map or
-- --set says more about it, and "-" as the text of standard input {text =, name = "<stdin>"}
-- (a YAML dataset). Returns the list, or nil and a message.
local function sources_of(files, map, set, stdin)
   local tables = require "parley.tables"
   local list, from_stdin = {}, false
   for i, f in ipairs(files) do
      if f == "-" then
         -- standard input can be read once
         if from_stdin then return nil, "'-' (standard input) can be given once" end
         from_stdin = true
         local text, err = stdin:read("a")
         if not text then return nil, "cannot read standard input: " .. tostring(err) end
         list[i] = { text = text, name = STDIN_NAME }
      else
         list[i] = ((map or next(set)) and tables.is_table_path(f)) and { table = f, map = map, set = set } or f
      end
   end
   return list
end

-- Takes every "--set FIELD=VALUE" out of args (the option may repeat). Returns the other
-- arguments and the constants, or nil and a message.
local function set_options(args)
   local rest, set = {}, {}
   local i = 1
   while i <= #args do
      if args[i] == "--set" then
         local field, value = (args[i + 1] or ""):match("^([%w_]+)=(.*)$")
         if not field then return nil, "--set takes FIELD=VALUE, such as --set claimant=ARM" end
         set[field] = value
         i = i + 2
      else
         rest[#rest + 1] = args[i]
         i = i + 1
      end
   end
   return rest, set
end

local function is_terminal(fd)
   return os.execute(string.format("test -t %d", fd)) == true
end

-- The progress line of an import (records, MB/s) on standard error: only on a terminal, not
-- with --quiet, and only once the import has run for a second (a small one says nothing but
-- its summary). Returns the progress function for db:import (nil when there is no line) and
-- a function that erases the line.
local function import_progress(files, quiet, io_)
   local nothing = function() end
   if quiet or io_.stderr ~= io.stderr or not is_terminal(2) then return nil, nothing end
   local bytes = 0
   for _, f in ipairs(files) do
      local path = type(f) == "string" and f or type(f) == "table" and f.table
      local h = path and io.open(path, "rb")
      if h then
         bytes = bytes + (h:seek("end") or 0)
         h:close()
      elseif type(f) == "table" and type(f.text) == "string" then
         bytes = bytes + #f.text
      end
   end
   local monotime = require("parley.core").monotime
   local started, last, shown = monotime(), 0, false
   -- a dumb terminal cannot erase the line: each update and the summary go on lines of their own
   local erase = os.getenv("TERM") == "dumb" and "\n" or "\r\27[K"
   local function progress(p)
      local now = monotime()
      local elapsed = now - started
      if p.phase == "done" or elapsed < 1 or now - last < 0.25 then return end
      last = now
      local what = p.phase == "writing" and string.format("%d of %d records written", p.records, p.total)
         or string.format("%d records checked", p.records)
      out(io_.stderr, string.format("%sparley: importing: %s, %.1f MB/s", shown and erase or "", what,
         bytes / 1e6 / elapsed))
      shown = true
   end
   return progress, function()
      if shown then out(io_.stderr, erase == "\n" and "\n" or erase) end
   end
end

function commands.import(args, io_)
   local plain, set = set_options(args)
   local opts, rest
   if plain then opts, rest = options(plain, { map = "value", quiet = "flag" }) else opts, rest = nil, set end
   if not opts or #rest < 2 then
      out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), HELP.import, "\n")
      return EXIT_INPUT
   end
   local files, ferr = sources_of(table.move(rest, 2, #rest, 1, {}), opts.map, set, io_.stdin or io.stdin)
   if not files then
      out(io_.stderr, "parley: ", ferr, "\n")
      return EXIT_INPUT
   end
   local db = open_store(rest[1], nil, io_.stderr)
   if not db then return EXIT_INPUT end
   local progress, finish = import_progress(files, opts.quiet, io_)
   local summary, err, _, warnings = db:import(files, { progress = progress })
   db:close()
   finish()
   -- what was accepted but must be said (a term the vocabulary does not know): not a failure
   for _, w in ipairs(summary and summary.warnings or warnings or {}) do
      out(io_.stderr, "warning: ", printable_lines(w), "\n")
   end
   if not summary then
      out(io_.stderr, printable_lines(err), "\n")
      return EXIT_INPUT
   end
   if opts.quiet then return EXIT_OK end
   for _, a in ipairs(summary.already) do
      out(io_.stdout, string.format("%s: already imported (import %d), skipped\n", a.name, a.import))
   end
   if #summary.imported > 0 then
      local parts = {}
      for _, kind in ipairs(vocab.RECORD_KINDS) do
         if summary[kind] > 0 then parts[#parts + 1] = string.format("%d %s", summary[kind], kind) end
      end
      if summary.unchanged > 0 then parts[#parts + 1] = string.format("%d unchanged", summary.unchanged) end
      out(io_.stdout, string.format("imported %d file%s into %s: %s\n", #summary.imported,
         #summary.imported == 1 and "" or "s", rest[1], #parts > 0 and table.concat(parts, ", ") or "nothing new"))
   end
   return EXIT_OK
end

-- The first n records of a table document, as the parley YAML the mapping makes of them.
local function preview(doc, n)
   local data = { parley = doc.data.parley }
   if doc.data.claims then
      data.claims = table.move(doc.data.claims, 1, math.min(n, #doc.data.claims), 1, {})
   else
      local list = {}
      for k, v in pairs(doc.data.lists[1]) do list[k] = v end
      list.persons = table.move(list.persons, 1, math.min(n, #list.persons), 1, {})
      data.lists = { list }
   end
   local text = require("parley.yaml").dump(data)
   return "---\n" .. text .. (text:sub(-1) == "\n" and "" or "\n")
end

function commands.validate(args, io_)
   local plain, set = set_options(args)
   local opts, rest
   if plain then opts, rest = options(plain, { map = "value", preview = "value", quiet = "flag" })
   else opts, rest = nil, set end
   local n = opts and opts.preview and math.tointeger(tonumber(opts.preview))
   if not opts or #rest < 1 or (opts.preview and (not n or n < 0)) then
      out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), HELP.validate, "\n")
      return EXIT_INPUT
   end
   local yaml = require "parley.yaml"
   local dataset = require "parley.dataset"
   local tables = require "parley.tables"
   local sources, serr = sources_of(rest, opts.map, set, io_.stdin or io.stdin)
   if not sources then
      out(io_.stderr, "parley: ", serr, "\n")
      return EXIT_INPUT
   end
   local docs, bad = {}, false
   for _, source in ipairs(sources) do
      if type(source) == "table" and source.text then
         local data, marks = yaml.load(source.text, { name = source.name, marks = true })
         if data == nil and type(marks) == "string" then
            out(io_.stderr, marks, "\n")
            bad = true
         else
            docs[#docs + 1] = { data = data, marks = marks, name = source.name }
         end
      elseif type(source) == "table" or tables.is_table_path(source) then
         local doc, err = tables.document(type(source) == "table" and source or { table = source })
         if doc then
            docs[#docs + 1] = doc
            if n then out(io_.stdout, preview(doc, n)) end
         else
            out(io_.stderr, printable_lines(err), "\n")
            bad = true
         end
      else
         local data, marks = yaml.load_file(source, { marks = true })
         if data == nil and marks then
            out(io_.stderr, printable_lines(marks), "\n")
            bad = true
         else
            docs[#docs + 1] = { data = data, marks = marks, name = source }
         end
      end
   end
   local batch, problems = dataset.validate(docs, {})
   for _, w in ipairs(dataset.format_list(batch.warnings)) do out(io_.stderr, "warning: ", printable_lines(w), "\n") end
   if #problems > 0 then
      out(io_.stderr, printable_lines(dataset.format_problems(problems)), "\n")
      bad = true
   end
   if bad then return EXIT_INPUT end
   if not opts.quiet then
      out(n and io_.stderr or io_.stdout, string.format("%d file%s valid\n", #rest, #rest == 1 and "" or "s"))
   end
   return EXIT_OK
end

function commands.export(args, io_)
   local opts, rest = options(args, { since = "value", out = "value", format = "value", kind = "value",
      share = "value", ["share-key"] = "value", quiet = "flag" })
   if not opts or #rest ~= 1 then
      out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), HELP.export, "\n")
      return EXIT_INPUT
   end
   local export = require "parley.export"
   local db = open_store(rest[1], { readonly = true }, io_.stderr)
   if not db then return EXIT_INPUT end
   local ok, err
   if opts.format == "csv" then
      local csv
      csv, err = export.csv(db, opts.kind, { share = opts.share, share_key = opts["share-key"] })
      if csv and opts.out then
         local f, ferr = io.open(opts.out, "wb")
         if f then
            f:write(csv)
            f:close()
            ok = true
         else
            err = "cannot write " .. opts.out .. ": " .. ferr
         end
      elseif csv then
         out(io_.stdout, csv)
         ok = true
      end
   elseif opts.format and opts.format ~= "yaml" then
      err = string.format("export writes --format yaml (the default) or csv, not '%s'", opts.format)
   else
      local since = opts.since and math.tointeger(tonumber(opts.since))
      if opts.since and not since then
         err = "--since takes an import id (parley query DB \"SELECT id, name FROM imports\" lists them)"
      else
         local written
         written, err = export.datasets(db, { since = since, dir = opts.out or ".", share = opts.share,
            share_key = opts["share-key"] })
         if written then
            if not opts.quiet then
               for _, w in ipairs(written) do out(io_.stdout, w.path, "\n") end
            end
            ok = true
         end
      end
   end
   db:close()
   if not ok then
      out(io_.stderr, "parley: ", printable_lines(err), "\n")
      return EXIT_INPUT
   end
   return EXIT_OK
end

-- Colour on standard output: only on a terminal, and never when NO_COLOR is set to anything
-- (no-color.org) or the terminal is dumb.
local function colour_wanted(io_)
   local no_color, term = os.getenv("NO_COLOR"), os.getenv("TERM")
   if (no_color and no_color ~= "") or term == "dumb" then return false end
   return io_.stdout == io.stdout and is_terminal(1)
end

-- Writes an output file whole or not at all (parley.files); a failure is exit code 2 wherever
-- it happens.
local function write_output(path, text, io_)
   local ok, err = write_file(path, text)
   if not ok then
      out(io_.stderr, "parley: ", printable_lines(err), "\n")
      return false
   end
   return true
end

-- `parley query`: the rows as a table (NULL shown as empty), CSV (RFC 4180, NULL empty) or JSON
-- lines (NULL as null), every column in the order of the SELECT.
function commands.query(args, io_)
   -- only --format and -q are options: a VALUE may start with "-" (a negative number)
   local rest, format, quiet = {}, nil, false
   local at = 1
   while at <= #args do
      local a = args[at]
      if a == "--format" and args[at + 1] then
         format, at = args[at + 1], at + 1
      elseif a:match("^%-%-format=") then
         format = a:sub(10)
      elseif a == "-q" or a == "--quiet" then
         quiet = true
      else
         rest[#rest + 1] = a
      end
      at = at + 1
   end
   if #rest < 2 then
      out(io_.stderr, HELP.query, "\n")
      return EXIT_INPUT
   end
   format = format or "table"
   if format ~= "table" and format ~= "csv" and format ~= "json" then
      out(io_.stderr, string.format("parley: query prints --format table, csv or json, not '%s'\n", format))
      return EXIT_INPUT
   end
   local db = open_store(rest[1], { readonly = true }, io_.stderr)
   if not db then return EXIT_INPUT end
   local values = {}
   for i = 3, #rest do values[#values + 1] = math.tointeger(tonumber(rest[i])) or tonumber(rest[i]) or rest[i] end
   local ok, err = pcall(function()
      local header = assert(db:columns(rest[2], table.unpack(values)))
      local rows = {}
      for row in db:query(rest[2], values) do rows[#rows + 1] = row end
      if format == "json" then
         local json = require "parley.json"
         for _, row in ipairs(rows) do
            local parts = {}
            for i, k in ipairs(header) do
               parts[i] = json.encode(k) .. ":" .. (row[k] == nil and "null" or json.encode(row[k]))
            end
            out(io_.stdout, "{", table.concat(parts, ","), "}\n")
         end
      elseif format == "csv" then
         local function field(v)
            local s = v == nil and "" or tostring(v)
            if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
            return s
         end
         local line = {}
         for i, k in ipairs(header) do line[i] = field(k) end
         out(io_.stdout, table.concat(line, ","), "\r\n")
         for _, row in ipairs(rows) do
            for i, k in ipairs(header) do line[i] = field(row[k]) end
            out(io_.stdout, table.concat(line, ","), "\r\n")
         end
      else
         local text_rows = {}
         for n, row in ipairs(rows) do
            local r = {}
            for i, k in ipairs(header) do r[i] = row[k] == nil and "" or tostring(row[k]) end
            text_rows[n] = r
         end
         if #header > 0 then out(io_.stdout, table_text(header, text_rows), "\n") end
         if not quiet then out(io_.stdout, string.format("(%d row%s)\n", #rows, #rows == 1 and "" or "s")) end
      end
   end)
   db:close()
   if not ok then
      out(io_.stderr, "parley: ", printable_lines(err), "\n")
      return EXIT_INPUT
   end
   return EXIT_OK
end

function commands.reconcile(args, io_)
   local opts, rest = options(args, { format = "value", out = "value", ["fail-on"] = "value", jobs = "value",
      quiet = "flag", store = "value", ["no-store"] = "flag", share = "value", ["share-key"] = "value",
      ["allow-outside"] = "flag", root = "value" })
   if not opts or #rest ~= 1 then
      out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), HELP.reconcile, "\n")
      return EXIT_INPUT
   end
   -- --format a,b,c: each format of one run, into the directory --out names
   local formats = {}
   for f in (opts.format or "text"):gmatch("[^,]+") do
      if not cli.check_format(f, io_) then return EXIT_INPUT end
      formats[#formats + 1] = f
   end
   if #formats > 1 and not opts.out then
      out(io_.stderr, "parley: several formats are written into a directory: give it with --out DIR\n")
      return EXIT_INPUT
   end
   if opts.out then
      -- where the reports go must be there before the run is stored: a run whose reports cannot be
      -- written would be stored and then reported as a failure
      local dir = #formats > 1 and opts.out or (opts.out:match("^(.*)/[^/]*$") or ".")
      if dir == "" then dir = "/" end
      if require("parley.core").path_kind(dir) ~= "directory" then
         out(io_.stderr, string.format("parley: cannot write %s: %s is not a directory%s\n", opts.out, dir,
            #formats > 1 and " (several formats are written into one)" or ""))
         return EXIT_FAILED
      end
   end
   if not cli.check_root(opts.root, io_) then return EXIT_INPUT end
   local format = formats[1]
   local fail_on = opts["fail-on"]
   if fail_on and not vocab.SEVERITY_RANK[fail_on] then
      out(io_.stderr, string.format("parley: --fail-on takes one of %s, not '%s'\n",
         table.concat(vocab.SEVERITIES, ", "), fail_on))
      return EXIT_INPUT
   end
   local jobs = opts.jobs and math.tointeger(tonumber(opts.jobs))
   if opts.jobs and (not jobs or jobs < 1) then
      out(io_.stderr, "parley: -j takes a positive number of threads\n")
      return EXIT_INPUT
   end
   local started = os.time()
   local show_progress = not opts.quiet and io_.stderr == io.stderr and is_terminal(2)
   if show_progress then out(io_.stderr, "parley: reconciling ", rest[1], "...") end
   -- "-": the config is read from standard input, its paths relative to the working directory
   local config, config_text = rest[1], nil
   if config == "-" then
      config, config_text = STDIN_NAME, (io_.stdin or io.stdin):read("a")
   end
   local run, err, kind = require("parley.engine").reconcile(config, { jobs = jobs, store = opts.store,
      text = config_text, store_run = not opts["no-store"], share = opts.share, share_key = opts["share-key"],
      allow_outside = opts["allow-outside"], root = opts.root })
   if show_progress then
      -- a dumb terminal cannot erase the line: the result goes on a line of its own
      local erase = os.getenv("TERM") == "dumb" and "\n" or "\r\27[K"
      out(io_.stderr, string.format("%sparley: reconciled %s in %ds\n", erase, rest[1], os.time() - started))
   end
   if not run then
      out(io_.stderr, printable_lines(err), "\n")
      return kind == "input" and EXIT_INPUT or EXIT_FAILED
   end
   for _, w in ipairs(run.warnings or {}) do out(io_.stderr, "warning: ", printable_lines(w), "\n") end
   if #formats > 1 then
      for _, f in ipairs(formats) do
         local path = opts.out:gsub("/+$", "") .. "/" .. report.file_name(f)
         if not write_output(path, assert(run:report(f)), io_) then return EXIT_FAILED end
         if not opts.quiet then out(io_.stdout, path, "\n") end
      end
   elseif not opts.quiet or opts.out then
      local text = assert(run:report(format, nil, { colour = format == "text" and not opts.out and
         colour_wanted(io_) }))
      if opts.out then
         if not write_output(opts.out, text, io_) then return EXIT_FAILED end
      elseif not opts.quiet then
         out(io_.stdout, text)
      end
   end
   local counts = run:counts()
   if (counts.outcomes.error or 0) > 0 then return EXIT_FAILED end
   if fail_on then
      for _, f in ipairs(run.findings) do
         if vocab.SEVERITY_RANK[f.severity] >= vocab.SEVERITY_RANK[fail_on] then return 1 end
      end
   end
   return EXIT_OK
end

---------------------------------------------------------------------------- run history

-- Whether --root (when given) names a directory; says so on stderr when not.
function cli.check_root(root, io_)
   if root == nil or require("parley.core").path_kind(root) == "directory" then return true end
   out(io_.stderr, string.format("parley: --root %s is not a directory\n", root))
   return false
end

-- Whether format is one the reports know; says so on stderr when not.
function cli.check_format(format, io_)
   local formats = report.formats()
   for _, f in ipairs(formats) do
      if f == format then return true end
   end
   out(io_.stderr, string.format("parley: unknown format '%s' (known: %s)\n", format, table.concat(formats, ", ")))
   return false
end

-- A run id as given on the command line ("latest" too), checked against the store.
local function run_id(db, s, io_)
   local history = require "parley.history"
   local id = s == "latest" and history.latest(db) or math.tointeger(tonumber(s))
   if not id or not db:first("SELECT id FROM runs WHERE id = ?", id) then
      out(io_.stderr, string.format("parley: there is no run %s in %s\n", s, db:path()))
      return nil
   end
   return id
end

function commands.runs(args, io_)
   if #args ~= 1 then
      out(io_.stderr, HELP.runs, "\n")
      return EXIT_INPUT
   end
   local db = open_store(args[1], { readonly = true }, io_.stderr)
   if not db then return EXIT_INPUT end
   local rows = {}
   for _, r in ipairs(require("parley.history").runs(db)) do
      rows[#rows + 1] = { tostring(r.id), r.config, r.started_at or "", r.status or "", tostring(r.findings),
         tostring(r.errors) }
   end
   db:close()
   if #rows == 0 then
      out(io_.stdout, "no runs in ", args[1], "\n")
   else
      out(io_.stdout, table_text({ "run", "config", "started", "status", "findings", "rule errors" }, rows), "\n")
   end
   return EXIT_OK
end

function commands.report(args, io_)
   local opts, rest = options(args, { format = "value", out = "value", share = "value", ["share-key"] = "value",
      root = "value" })
   if not opts or #rest ~= 2 then
      out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), HELP.report, "\n")
      return EXIT_INPUT
   end
   if not cli.check_root(opts.root, io_) then return EXIT_INPUT end
   local format = opts.format or "text"
   if not cli.check_format(format, io_) then return EXIT_INPUT end
   local db = open_store(rest[1], { readonly = true }, io_.stderr)
   if not db then return EXIT_INPUT end
   local id = run_id(db, rest[2], io_)
   if not id then
      db:close()
      return EXIT_INPUT
   end
   local run = assert(require("parley.history").load_run(db, id))
   local policy, perr = require("parley.share").policy(opts.share, { key_file = opts["share-key"] })
   if not policy then
      db:close()
      out(io_.stderr, "parley: ", perr, "\n")
      return EXIT_INPUT
   end
   local text, err = report.write(run, format, nil, { db = db, share = policy, root = opts.root,
      colour = format == "text" and not opts.out and colour_wanted(io_) })
   db:close()
   if not text then
      out(io_.stderr, "parley: ", printable_lines(err), "\n")
      return EXIT_INPUT
   end
   if opts.out then
      if not write_output(opts.out, text, io_) then return EXIT_FAILED end
   else
      out(io_.stdout, text)
   end
   return EXIT_OK
end

function commands.diff(argv, io_)
   local opts, args = options(argv, { ["new-only"] = "flag", ["resolved-only"] = "flag" })
   if not opts or #args < 1 or #args > 3 then
      out(io_.stderr, opts and "" or ("parley: " .. args .. "\n"), HELP.diff, "\n")
      return EXIT_INPUT
   end
   if opts["new-only"] and opts["resolved-only"] then
      out(io_.stderr, "parley: --new-only and --resolved-only leave nothing to show together; give one\n")
      return EXIT_INPUT
   end
   local history = require "parley.history"
   local db = open_store(args[1], { readonly = true }, io_.stderr)
   if not db then return EXIT_INPUT end
   local a, b
   if #args == 3 then
      a, b = run_id(db, args[2], io_), run_id(db, args[3], io_)
      if not a or not b then
         db:close()
         return EXIT_INPUT
      end
   else
      b = args[2] and run_id(db, args[2], io_) or history.latest(db)
      if not b then
         if not args[2] then out(io_.stderr, "parley: there are no runs in ", args[1], "\n") end
         db:close()
         return EXIT_INPUT
      end
      a = history.previous(db, b)
   end
   local d, err = history.diff(db, a, b)
   db:close()
   if not d then
      out(io_.stderr, "parley: ", printable_lines(err), "\n")
      return EXIT_INPUT
   end
   if a and a > b then
      -- run ids grow with time: "new" and "resolved" read backwards when A is the later run
      out(io_.stderr, string.format("parley: warning: run %d is newer than run %d; findings 'new' here are " ..
         "ones run %d no longer has\n", a, b, a))
   end
   local lines = {}
   if a then
      lines[1] = string.format("run %d (%s, %s) against run %d (%s, %s): %d new, %d persisting, %s%d resolved", b,
         d.b.config, d.b.started_at or "", a, d.a.config, d.a.started_at or "", #d.new, #d.persisting,
         #d.corrected > 0 and (#d.corrected .. " corrected, ") or "", #d.resolved)
   else
      lines[1] = string.format("run %d (%s, %s) is the first run of its config: %d new", b, d.b.config,
         d.b.started_at or "", #d.new)
   end
   for _, r in ipairs(d.rules_changed) do
      lines[#lines + 1] = string.format("rule %s: version %s -> %s", r.rule, r.from, r.to)
   end
   for _, r in ipairs(d.rules_added) do lines[#lines + 1] = string.format("rule %s: added (%s)", r.rule, r.to) end
   for _, r in ipairs(d.rules_removed) do
      lines[#lines + 1] = string.format("rule %s: removed (was %s)", r.rule, r.from)
   end
   -- the records corrected in between (a correction of an exchange shows here even when no
   -- finding changed)
   for _, r in ipairs(d.corrections or {}) do
      lines[#lines + 1] = string.format("record corrected: %s %s by %s", r.kind, r.supersedes, r.id)
   end
   local shown = { { "new", "+" }, { "persisting", "=" }, { "corrected", "~" }, { "resolved", "-" } }
   if opts["new-only"] then shown = { { "new", "+" } } end
   if opts["resolved-only"] then shown = { { "resolved", "-" } } end
   for _, kind in ipairs(shown) do
      for _, f in ipairs(d[kind[1]]) do
         if kind[1] == "corrected" then
            local what = {}
            for k, r in ipairs(f.replaced) do what[k] = string.format("%s %s -> %s", r.kind, r.old, r.new) end
            lines[#lines + 1] = string.format("~ corrected  [%s] %s: %s (%s -> %s; %s)", f.to.severity,
               printable(f.to.rule, "    "), printable(f.to.message, "    "), f.from.fingerprint, f.to.fingerprint,
               table.concat(what, ", "))
         else
            lines[#lines + 1] = string.format("%s %-10s [%s] %s: %s (%s)", kind[2], kind[1], f.severity,
               printable(f.rule, "    "), printable(f.message, "    "), f.fingerprint)
         end
      end
   end
   out(io_.stdout, table.concat(lines, "\n"), "\n")
   return EXIT_OK
end

function commands.rules(args, io_)
   local sub = args[1]
   if sub == "list" then
      local config = require "parley.config"
      local core = require "parley.core"
      local rows = {}
      for _, name in ipairs(config.builtin_names()) do
         local path = config.builtin_path(name)
         local f = assert(io.open(path, "rb"))
         local src = f:read("a")
         f:close()
         local info, err = core.rule_info(src, "=parley.rules." .. name, vocab.DEFAULT_LIMITS,
            require("parley.engine").sandbox_options())
         if info then
            rows[#rows + 1] = { name, info.version, info.description or "" }
         else
            rows[#rows + 1] = { name, "?", "does not load: " .. tostring(err) }
         end
      end
      out(io_.stdout, table_text({ "rule", "version", "description" }, rows), "\n")
      return EXIT_OK
   elseif sub == "test" then
      local opts, rest = options(table.move(args, 2, #args, 1, {}), { quiet = "flag" })
      if not opts or #rest ~= 1 then
         out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), HELP.rules, "\n")
         return EXIT_INPUT
      end
      -- quiet: only the failing cases and their differences
      local failing = false
      local function say(line)
         if line:find("^FAIL ") then failing = true elseif line:find("^ok ") or not line:find("^ ") then
            failing = false
         end
         if not opts.quiet or failing then out(io_.stdout, printable_lines(line), "\n") end
      end
      local passed, failed = require("parley.ruletest").run(rest[1], say)
      if not passed then
         out(io_.stderr, printable_lines(failed), "\n")
         return EXIT_INPUT
      end
      return failed > 0 and 1 or EXIT_OK
   end
   out(io_.stderr, HELP.rules, "\n")
   return EXIT_INPUT
end

function commands.names(args, io_)
   local names = require "parley.names"
   if args[1] == "key" and args[2] and not args[3] then
      local key, err = names.key(args[2])
      if not key then
         out(io_.stderr, "parley: ", printable_lines(err), "\n")
         return EXIT_INPUT
      end
      out(io_.stdout, key, "\n")
      return EXIT_OK
   end
   if args[1] ~= "match" then
      out(io_.stderr, HELP.names, "\n")
      return EXIT_INPUT
   end
   local opts, rest = options(table.move(args, 2, #args, 1, {}), { ["born-a"] = "value", ["born-b"] = "value" })
   if not opts or #rest ~= 2 then
      out(io_.stderr, HELP.names, "\n")
      return EXIT_INPUT
   end
   local match_opts = {}
   if opts["born-a"] or opts["born-b"] then
      match_opts.born = { math.tointeger(tonumber(opts["born-a"])), math.tointeger(tonumber(opts["born-b"])) }
   end
   local ok, is_match, score, why = pcall(names.match, rest[1], rest[2], match_opts)
   if not ok or is_match == nil then
      out(io_.stderr, "parley: ", tostring(ok and score or is_match), "\n")
      return EXIT_INPUT
   end
   out(io_.stdout, string.format("%s %.3f %s\n", is_match and "match" or "no match", score, printable(why, "  ")))
   return is_match and EXIT_OK or 1
end

function commands.verify(args, io_)
   if #args ~= 1 then
      out(io_.stderr, HELP.verify, "\n")
      return EXIT_INPUT
   end
   local result, err = require("parley.verify").store(args[1])
   if not result then
      out(io_.stderr, "parley: ", printable_lines(err), "\n")
      return EXIT_INPUT
   end
   for _, c in ipairs(result.passed_checks) do out(io_.stdout, "ok       ", c.check, ": ", c.message, "\n") end
   for _, p in ipairs(result.problems) do
      out(io_.stdout, "problem  ", p.check, ": ", printable(p.message, "         "), "\n")
   end
   if #result.problems > 0 then
      out(io_.stderr, string.format("parley: %s failed verification: %d problem%s; do not open it with parley " ..
         "until you know why (docs/security.md)\n", printable(args[1]), #result.problems,
         #result.problems == 1 and "" or "s"))
      return EXIT_INPUT
   end
   out(io_.stdout, "verified: ", printable(args[1]), " holds what parley wrote\n")
   return EXIT_OK
end

function commands.version(_, io_)
   local core = require "parley.core"
   out(io_.stdout, "parley ", core.version, " (SQLite ", core.sqlite_version(), ")\n")
   return EXIT_OK
end

-- people, person and review (parley.cli_people), with the helpers they share
do
   local cli_people = require "parley.cli_people"
   for name, help in pairs(cli_people.HELP) do HELP[name] = help end
   cli_people.install(commands, { out = out, options = options, open_store = open_store, table_text = table_text,
      write_output = write_output })
end

-- The names of the commands, sorted (help topics and "did you mean" suggestions).
local function command_names()
   local names = {}
   for k in pairs(commands) do names[#names + 1] = k end
   table.sort(names)
   return names
end

-- cli.command_names() -> the commands the command line runs, sorted (what the help and the
-- completions list must match).
cli.command_names = command_names

function commands.help(args, io_)
   local topic = args[1]
   if topic and not commands[topic] then
      out(io_.stderr, string.format("parley: unknown command '%s'%s\n%s\n", topic,
         did_you_mean(topic, command_names()), USAGE))
      return EXIT_INPUT
   end
   out(io_.stdout, topic and HELP[topic] or USAGE, "\n")
   return EXIT_OK
end

---------------------------------------------------------------------------- man page, completions

-- The values an option's argument takes, where the command line knows them.
local OPTION_VALUES = {
   format = function() return report.formats() end,
   ["fail-on"] = function() return vocab.SEVERITIES end,
   share = function() return require("parley.share").LEVELS end,
}

-- What the help says of each command, in the order of COMMANDS: {name =, summary =, usage =
-- {lines}, text = {lines}, subcommands = {...}, options = {"--format", "-j", ...}, values =
-- {["--format"] = {...}}}. Usage lines are the help's first line and those indented under it;
-- a subcommand is a lower-case word right after the command's name in one; options and the
-- values of an option (--kind persons|claims|exchanges) are read from the usage lines.
function cli.commands()
   local list = {}
   for _, c in ipairs(COMMANDS) do
      local name = c[1]
      local help = HELP[name] or ("usage: parley " .. name .. (c[2] ~= "" and " " .. c[2] or ""))
      local entry = { name = name, summary = c[3], usage = {}, text = {}, subcommands = {}, options = {},
         values = {} }
      local seen = {}
      for line in (help .. "\n"):gmatch("([^\n]*)\n") do
         if #entry.text == 0 and (line:find("^usage: ") or (#entry.usage > 0 and line:find("^       "))) then
            local u = line:gsub("^usage: ", ""):gsub("^%s+", "")
            if u:find("^parley ") or #entry.usage == 0 then
               entry.usage[#entry.usage + 1] = u
            else
               entry.usage[#entry.usage] = entry.usage[#entry.usage] .. " " .. u
            end
         else
            entry.text[#entry.text + 1] = line
         end
      end
      for _, u in ipairs(entry.usage) do
         local sub = u:match("^parley " .. name .. " (%l[%l-]*)")
         if sub and not seen[sub] then
            seen[sub] = true
            entry.subcommands[#entry.subcommands + 1] = sub
         end
         for opt, after in u:gmatch("%f[%w%-](%-%-?%a[%w%-]*)()") do
            if (opt:find("^%-%-") or #opt == 2) and not seen[opt] then
               seen[opt] = true
               entry.options[#entry.options + 1] = opt
               local long = opt:match("^%-%-(.*)")
               local choices = u:match("^ (%l[%l|]*%l)%f[^%l|]", after)
               -- the choices the usage spells out (--kind persons|claims), else the known ones
               if choices then
                  local vs = {}
                  for v in choices:gmatch("[^|]+") do vs[#vs + 1] = v end
                  entry.values[opt] = vs
               elseif long and OPTION_VALUES[long] then
                  entry.values[opt] = OPTION_VALUES[long]()
               end
            end
         end
      end
      if not seen["--help"] then entry.options[#entry.options + 1] = "--help" end
      list[#list + 1] = entry
   end
   return list
end

local function roff_escape(s)
   s = s:gsub("\\", "\\e"):gsub("%-", "\\-")
   return (s:gsub("^([.'])", "\\&%1"))
end

-- The manual page parley(1), in roff, made from the help texts (make man: build/parley.1).
function cli.man_page()
   local core = require "parley.core"
   local lines = {
      '.\\" parley(1), generated from the help of lua/parley/cli.lua by `make man`: edit the help there.',
      string.format('.TH PARLEY 1 "" "parley %s" "User Commands"', roff_escape(core.version)),
      ".SH NAME",
      "parley \\- " .. roff_escape("a store of what the parties to a conflict exchanged and claimed, " ..
         "with reconciliation rules"),
      ".SH SYNOPSIS",
      ".B parley",
      ".I COMMAND",
      "[\\fIARGS\\fR]",
      ".SH DESCRIPTION",
      roff_escape("parley keeps an SQLite store of the exchanges between the parties to a conflict and of the " ..
         "claims each party makes, and runs reconciliation rules, written in Lua and configured in YAML, " ..
         "that line the claims up and explain the gaps. Options may be written --name value or " ..
         "--name=value; every command takes --help."),
      ".SH COMMANDS",
   }
   for _, c in ipairs(cli.commands()) do
      lines[#lines + 1] = ".SS " .. roff_escape(c.name)
      lines[#lines + 1] = roff_escape(c.summary) .. "."
      lines[#lines + 1] = ".PP"
      lines[#lines + 1] = ".nf"
      for _, u in ipairs(c.usage) do lines[#lines + 1] = ".B " .. roff_escape(u) end
      lines[#lines + 1] = ".fi"
      local para = {}
      local function flush()
         if #para > 0 then
            lines[#lines + 1] = ".PP"
            lines[#lines + 1] = roff_escape(table.concat(para, " "))
            para = {}
         end
      end
      local is_sub = {}
      for _, sub in ipairs(c.subcommands) do is_sub[sub] = true end
      for _, t in ipairs(c.text) do
         -- "list: ..." and "match: ..." start a subcommand's paragraph
         if is_sub[t:match("^(%l+): ") or ""] then flush() end
         if t ~= "" then para[#para + 1] = t end
      end
      flush()
   end
   lines[#lines + 1] = ".SH EXIT STATUS"
   local codes = EXIT_CODES:gsub("^exit codes: ", ""):gsub("%s+", " ")
   lines[#lines + 1] = roff_escape(codes) .. "."
   lines[#lines + 1] = ".SH ENVIRONMENT"
   lines[#lines + 1] = ".TP"
   lines[#lines + 1] = ".B NO_COLOR"
   lines[#lines + 1] = "Any non-empty value turns the colour of the text report off."
   lines[#lines + 1] = ".TP"
   lines[#lines + 1] = ".B TERM"
   lines[#lines + 1] = roff_escape("dumb turns colour off, and the progress line is not erased.")
   lines[#lines + 1] = ".SH SEE ALSO"
   lines[#lines + 1] = roff_escape("README.md and docs/ in parley's source: dataset.md, rules.md, reports.md, " ..
      "tables.md, names.md, sandbox.md; the API reference made by make docs.")
   return table.concat(lines, "\n") .. "\n"
end

local function words(list) return table.concat(list, " ") end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- The completion script for shell ("bash" or "zsh"), made from the same table as the help
-- (make completion: build/parley.bash, build/_parley).
function cli.completion(shell)
   local commands_ = cli.commands()
   local names, value_cases = {}, {}
   for _, c in ipairs(commands_) do
      names[#names + 1] = c.name
      for _, opt in ipairs(c.options) do
         if c.values[opt] then value_cases[#value_cases + 1] = { c.name, opt, words(c.values[opt]) } end
      end
   end
   local header = "completion for parley, generated from the help of lua/parley/cli.lua by `make completion`"
   local l = {}
   if shell == "bash" then
      l[#l + 1] = "# bash " .. header
      l[#l + 1] = "_parley() {"
      l[#l + 1] = "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}"
      l[#l + 1] = "    local cmd=${COMP_WORDS[1]} subs='' opts=''"
      l[#l + 1] = "    if [ \"$COMP_CWORD\" -eq 1 ]; then"
      l[#l + 1] = "        COMPREPLY=($(compgen -W " .. shell_quote(words(names) .. " --help --version") ..
         " -- \"$cur\"))"
      l[#l + 1] = "        return"
      l[#l + 1] = "    fi"
      l[#l + 1] = "    case \"$cmd $prev\" in"
      for _, v in ipairs(value_cases) do
         l[#l + 1] = string.format("        %s) COMPREPLY=($(compgen -W %s -- \"$cur\")); return ;;",
            shell_quote(v[1] .. " " .. v[2]), shell_quote(v[3]))
      end
      l[#l + 1] = "    esac"
      l[#l + 1] = "    case $cmd in"
      for _, c in ipairs(commands_) do
         l[#l + 1] = string.format("        %s) subs=%s; opts=%s ;;", c.name, shell_quote(words(c.subcommands)),
            shell_quote(words(c.options)))
      end
      l[#l + 1] = "    esac"
      l[#l + 1] = "    if [ \"$COMP_CWORD\" -eq 2 ] && [ -n \"$subs\" ] && [[ $cur != -* ]]; then"
      l[#l + 1] = "        COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))"
      l[#l + 1] = "    elif [[ $cur == -* ]]; then"
      l[#l + 1] = "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))"
      l[#l + 1] = "    elif [ \"$cmd\" = help ]; then"
      l[#l + 1] = "        COMPREPLY=($(compgen -W " .. shell_quote(words(names)) .. " -- \"$cur\"))"
      l[#l + 1] = "    else"
      l[#l + 1] = "        COMPREPLY=($(compgen -f -- \"$cur\"))"
      l[#l + 1] = "    fi"
      l[#l + 1] = "}"
      l[#l + 1] = "complete -o filenames -F _parley parley"
   elseif shell == "zsh" then
      l[#l + 1] = "#compdef parley"
      l[#l + 1] = "# zsh " .. header
      l[#l + 1] = "_parley() {"
      l[#l + 1] = "    local -a commands subs opts"
      l[#l + 1] = "    commands=("
      for _, c in ipairs(commands_) do l[#l + 1] = "        " .. shell_quote(c.name .. ":" .. c.summary) end
      l[#l + 1] = "    )"
      l[#l + 1] = "    if (( CURRENT == 2 )); then"
      l[#l + 1] = "        _describe -t commands 'parley command' commands"
      l[#l + 1] = "        return"
      l[#l + 1] = "    fi"
      l[#l + 1] = "    case \"${words[2]} ${words[CURRENT-1]}\" in"
      for _, v in ipairs(value_cases) do
         l[#l + 1] = string.format("        %s) compadd -- %s; return ;;", shell_quote(v[1] .. " " .. v[2]), v[3])
      end
      l[#l + 1] = "    esac"
      l[#l + 1] = "    case ${words[2]} in"
      for _, c in ipairs(commands_) do
         l[#l + 1] = string.format("        %s) subs=(%s); opts=(%s) ;;", c.name, words(c.subcommands),
            words(c.options))
      end
      l[#l + 1] = "    esac"
      l[#l + 1] = "    if (( CURRENT == 3 )) && (( ${#subs} )) && [[ $PREFIX != -* ]]; then"
      l[#l + 1] = "        compadd -- $subs"
      l[#l + 1] = "    elif [[ $PREFIX == -* ]]; then"
      l[#l + 1] = "        compadd -- $opts"
      l[#l + 1] = "    elif [[ ${words[2]} == help ]]; then"
      l[#l + 1] = "        _describe -t commands 'parley command' commands"
      l[#l + 1] = "    else"
      l[#l + 1] = "        _files"
      l[#l + 1] = "    fi"
      l[#l + 1] = "}"
      l[#l + 1] = "_parley \"$@\""
   else
      error("bad argument #1 to 'completion' (\"bash\" or \"zsh\" expected, got " .. tostring(shell) .. ")", 2)
   end
   return table.concat(l, "\n") .. "\n"
end

-- Runs the command line; returns the exit code. io_ = {stdout=, stderr=} for the specs.
function cli.main(argv, io_)
   io_ = io_ or { stdout = io.stdout, stderr = io.stderr }
   local name = argv[1]
   local args = table.move(argv, 2, #argv, 1, {})
   if name == nil or name == "--help" or name == "-h" then
      out(name and io_.stdout or io_.stderr, USAGE, "\n")
      return name and EXIT_OK or EXIT_INPUT
   end
   if name == "--version" then name = "version" end
   local command = commands[name]
   if not command then
      out(io_.stderr, string.format("parley: unknown command '%s'%s\n%s\n", name,
         did_you_mean(name, command_names()), USAGE))
      return EXIT_INPUT
   end
   if args[1] == "--help" or args[1] == "-h" then
      out(io_.stdout, HELP[name] or USAGE, "\n")
      return EXIT_OK
   end
   local ok, code = pcall(command, args, io_)
   if not ok then
      out(io_.stderr, "parley: internal error: ", tostring(code), "\n")
      return EXIT_FAILED
   end
   return code
end

return cli
