-- SPDX-License-Identifier: MIT
-- The command line's people commands (docs/people.md): `parley people`, `parley person` and
-- `parley review`, the interactive review of uncertain pairs that writes reviewers' decisions
-- as a dataset. parley.cli installs them with the helpers it shares (option parsing, opening
-- a store, tables, writing files).

local json = require "parley.json"
local names = require "parley.names"
local people = require "parley.people"
local text = require "parley.text"

local cli_people = {}

local EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 2, 3

cli_people.USAGE = {
   "  people DB                the people of a store: each person's names and entries",
   "  person DB ID|NAME        one person's story: timeline and status by holding party",
   "  review DB --out FILE     decide uncertain pairs (same / different), written as a dataset",
}

cli_people.HELP = {
   people = [[
usage: parley people DB [--uncertain] [--format text|json|csv]
Resolves the store's entries (each person on a list, in a transfer, or a person record) into
people through parley.names, across scripts, honouring reviewers' decisions (docs/people.md),
and prints each person: id, names as written, entries. --uncertain lists only people with pairs
left for review. Exit code 0, or 3 (a store that cannot be read, a bad option).]],
   person = [[
usage: parley person DB ID|NAME [--format text|json]
One person's story: every entry in date order (on which party's list, when; released or
returned in which exchange, to whom) and their status by holding party. ID is a person's id or
an entry's (LIST_ID#N); a NAME, in any script, lists the candidates with their scores. Exit
code 0, or 3 (no such person, a store that cannot be read).]],
   review = [[
usage: parley review DB --out DECISIONS.yaml [--by NAME]
       parley review DB --export PAIRS.csv
       parley review DB --import PAIRS.csv --out DECISIONS.yaml [--by NAME]
Shows each uncertain pair of entries, best score first, side by side (names as written with
their scripts, keys, birth years, categories, lists, the score and the match's explanation);
keys: s same person, d different people, k skip, u undo, q quit. The decisions are appended to
DECISIONS.yaml (created as a dataset; what is there is never rewritten), to be imported like any
dataset (`parley import DB DECISIONS.yaml`). --export writes the pairs as CSV for a team that
reviews in a spreadsheet (fill the decision column with same or different); --import reads
such a file back into decisions. --by names the reviewer (default $USER). Exit code 0, 2 (an
output that cannot be written), or 3 (a bad option or file).]],
}

---------------------------------------------------------------------------- people, person

local function entry_where(e)
   if e.kind == "list" then
      return string.format("%s's list %s (%s)", e.claimant, e.list, e.date_text or "undated")
   elseif e.kind == "transfer" then
      return string.format("%s %s to %s in %s (%s)", e.cargo, e.from, e.to, e.exchange, e.date_text or "undated")
   end
   return "person record"
end

local function person_json(p)
   local entries = {}
   for i, e in ipairs(p.entries) do
      entries[i] = { id = e.id, kind = e.kind, name = e.written or e.names[1], born = e.born,
         category = e.category, list = e.list, exchange = e.exchange, date = e.date_text }
   end
   return { id = p.id, names = p.names, entries = entries, uncertain = p.uncertain, timeline = p.timeline,
      status = p.status }
end

function cli_people.install(commands, h)
   local out, options, open_store, table_text = h.out, h.options, h.open_store, h.table_text

   function commands.people(args, io_)
      local opts, rest = options(args, { uncertain = "flag", format = "value" })
      local format = opts and opts.format or "text"
      if not opts or #rest ~= 1 or (format ~= "text" and format ~= "json" and format ~= "csv") then
         out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), cli_people.HELP.people, "\n")
         return EXIT_INPUT
      end
      local db = open_store(rest[1], { readonly = true }, io_.stderr)
      if not db then return EXIT_INPUT end
      local rows, lines = {}, {}
      if format == "csv" then lines[1] = "person,names,entries,uncertain" end
      for p in db:people({ uncertain = opts.uncertain or nil }) do
         local ids = {}
         for i, e in ipairs(p.entries) do ids[i] = e.id end
         if format == "json" then
            lines[#lines + 1] = json.encode(person_json(p))
         elseif format == "csv" then
            local field = text.csv_field
            lines[#lines + 1] = table.concat({ field(p.id), field(table.concat(p.names, "; ")),
               field(table.concat(ids, " ")), tostring(#p.uncertain) }, ",")
         else
            rows[#rows + 1] = { p.id, table.concat(p.names, " / "), tostring(#p.entries),
               #p.uncertain > 0 and tostring(#p.uncertain) or "" }
         end
      end
      db:close()
      if format == "text" then
         if #rows == 0 then
            out(io_.stdout, "no people in ", rest[1], "\n")
         else
            out(io_.stdout, table_text({ "person", "names", "entries", "uncertain" }, rows), "\n")
         end
      else
         out(io_.stdout, table.concat(lines, format == "csv" and "\r\n" or "\n"), #lines > 0 and
            (format == "csv" and "\r\n" or "\n") or "")
      end
      return EXIT_OK
   end

   function commands.person(args, io_)
      local opts, rest = options(args, { format = "value" })
      local format = opts and opts.format or "text"
      if not opts or #rest ~= 2 or (format ~= "text" and format ~= "json") then
         out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), cli_people.HELP.person, "\n")
         return EXIT_INPUT
      end
      local db = open_store(rest[1], { readonly = true }, io_.stderr)
      if not db then return EXIT_INPUT end
      local p = db:person(rest[2])
      if not p then
         local candidates = people.candidates(db, rest[2], 10)
         if #candidates == 1 then p = people.story(candidates[1].person) end
         if not p then
            db:close()
            if #candidates == 0 then
               out(io_.stderr, string.format("parley: no person %s in %s\n", rest[2], rest[1]))
               return EXIT_INPUT
            end
            local rows = {}
            for i, c in ipairs(candidates) do
               rows[i] = { c.person.id, table.concat(c.person.names, " / "), string.format("%.3f", c.score) }
            end
            out(io_.stdout, string.format("%d people match %s:\n", #candidates, rest[2]),
               table_text({ "person", "names", "score" }, rows), "\n")
            return EXIT_OK
         end
      end
      db:close()
      if format == "json" then
         out(io_.stdout, json.encode(person_json(p)), "\n")
         return EXIT_OK
      end
      -- names and texts from the data, through parley.text.printable: no terminal escapes, no
      -- forged lines
      local function line(fmt, ...) out(io_.stdout, text.printable(string.format(fmt, ...), "    "), "\n") end
      line("person %s: %s", p.id, table.concat(p.names, " / "))
      for _, ev in ipairs(p.timeline) do line("  %-10s %s", ev.date or "", ev.text) end
      for _, s in ipairs(p.status) do line("status (%s): %s", s.holder, s.text) end
      for _, u in ipairs(p.uncertain) do
         line("uncertain: %s may be %s (%s, score %.3f)%s", u.entry, u.other, u.other_entry,
            u.score, u.held_apart and (": held apart, " .. u.held_apart) or "")
      end
      return EXIT_OK
   end

   function commands.review(args, io_)
      local opts, rest = options(args, { out = "value", export = "value", import = "value", by = "value" })
      if not opts or #rest ~= 1 or (not opts.out and not opts.export) or (opts.import and not opts.out) then
         out(io_.stderr, opts and "" or ("parley: " .. rest .. "\n"), cli_people.HELP.review, "\n")
         return EXIT_INPUT
      end
      local by = opts.by or os.getenv("USER") or "reviewer"
      local db = open_store(rest[1], { readonly = true }, io_.stderr)
      if not db then return EXIT_INPUT end
      local pairs_ = cli_people.pairs(db)
      local code
      if opts.export then
         code = cli_people.export_csv(pairs_, opts.export, h, io_)
      elseif opts.import then
         code = cli_people.import_csv(opts.import, opts.out, by, h, io_)
      else
         code = cli_people.interactive(pairs_, opts.out, by, h, io_)
      end
      db:close()
      return code
   end
end

---------------------------------------------------------------------------- the pairs

-- The uncertain pairs of db's resolution, best score first, each with both entries and the
-- match's explanation.
function cli_people.pairs(db)
   local r = people.resolution(db)
   local list = {}
   for _, u in ipairs(r.uncertain) do
      local a, b = r.entries[u.a], r.entries[u.b]
      if b.id < a.id then a, b = b, a end -- shown and decided in id order
      local _, _, why = names.match({ name = a.names[1] or "", born = a.born, category = a.category },
         { name = b.names[1] or "", born = b.born, category = b.category })
      list[#list + 1] = { a = a, b = b, score = u.score, explanation = why, held_apart = u.held_apart }
   end
   table.sort(list, function(x, y)
      if x.score ~= y.score then return x.score > y.score end
      return x.a.id .. x.b.id < y.a.id .. y.b.id
   end)
   return list
end

local function today() return os.date("!%Y-%m-%d") end

-- One decision as a line of the decisions dataset.
local function decision_line(kind, a, b, by, note)
   local function q(s) return json.encode(s) end -- a JSON string is a YAML double-quoted scalar
   return string.format("  - {%s: [%s, %s], by: %s, on: %s%s}\n", kind, q(a), q(b), q(by), today(),
      note and (", note: " .. q(note)) or "")
end

local HEADER = "# parley review decisions: appended by `parley review`; import with `parley import DB FILE`\n" ..
   "parley: 1\nidentities:\n"

-- Appends decisions to path: a new file gets the dataset's header; an existing one must be a
-- decisions file parley review wrote (its last key is identities), so appending keeps it valid.
local function append_decisions(path, lines, h, io_)
   if #lines == 0 then return EXIT_OK end
   local f = io.open(path, "rb")
   local existing = f and f:read("a")
   if f then f:close() end
   if existing and existing ~= "" and not existing:find("# parley review decisions", 1, true) then
      h.out(io_.stderr, string.format("parley: %s is not a decisions file parley review wrote: give a new file\n",
         path))
      return EXIT_INPUT
   end
   local content = (existing and existing ~= "" and existing or HEADER) .. table.concat(lines)
   if not h.write_output(path, content, io_) then return EXIT_FAILED end
   return EXIT_OK
end

---------------------------------------------------------------------------- in a terminal

local function side(e)
   return {
      (e.written or e.names[1] or "") .. "  [" .. (text.script(e.written or e.names[1] or "") or "?") .. "]",
      "key " .. (select(2, pcall(names.key, e.written or e.names[1] or "")) or ""),
      "born " .. (e.born and tostring(e.born) or "?") .. (e.category and (", " .. e.category) or ""),
      entry_where(e),
      e.id,
   }
end

local function show(write, i, n, p)
   local left, right = side(p.a), side(p.b)
   write(string.format("\n-- pair %d of %d: score %.3f%s\n", i, n, p.score,
      p.held_apart and (" (held apart: " .. p.held_apart .. ")") or ""))
   for k = 1, #left do
      local l = text.printable(left[k], false)
      local pad = 44 - (utf8.len(l) or #l)
      write("  " .. l .. string.rep(" ", pad > 1 and pad or 1) .. "| " .. text.printable(right[k], false) .. "\n")
   end
   if p.explanation then write("  why: " .. text.printable(p.explanation, "       ") .. "\n") end
   write("[s]ame  [d]ifferent  s[k]ip  [u]ndo  [q]uit > ")
end

-- Reads one key: raw from a terminal (no Enter needed), else the first letter of a line.
local function key_reader(io_)
   local stdin = io_.stdin or io.stdin
   local tty = stdin == io.stdin and os.execute("test -t 0") == true
   if tty then os.execute("stty -icanon -echo min 1 2>/dev/null") end
   local function read()
      if tty then return stdin:read(1) end
      local line = stdin:read("l")
      return line and line:match("%S") or (line and "" or nil)
   end
   local function restore()
      if tty then os.execute("stty icanon echo 2>/dev/null") end
   end
   return read, restore
end

function cli_people.interactive(pairs_, path, by, h, io_)
   local write = function(s) io_.stdout:write(s); io_.stdout:flush() end
   if #pairs_ == 0 then
      write("no uncertain pairs to review\n")
      return EXIT_OK
   end
   local read, restore = key_reader(io_)
   local decided = {} -- stack of {index, line}
   local i = 1
   local ok, err = pcall(function()
      while true do
         local p = pairs_[i]
         if p then
            show(write, i, #pairs_, p)
         else
            write(string.format("\n-- every pair seen (%d decided): [u]ndo  [q]uit and write > ", #decided))
         end
         local k = read()
         if k == nil or k == "q" then break end
         if not p and k ~= "u" then
            write("(u or q)\n")
         elseif k == "s" or k == "d" then
            decided[#decided + 1] = { index = i, line = decision_line(k == "s" and "same" or "different", p.a.id,
               p.b.id, by, string.format("parley review, score %.3f", p.score)) }
            write(k == "s" and "same\n" or "different\n")
            i = i + 1
         elseif k == "k" then
            write("skipped\n")
            i = i + 1
         elseif k == "u" then
            local last = decided[#decided]
            if last then
               decided[#decided] = nil
               i = last.index
               write("undone\n")
            else
               -- nothing decided yet: step back over skipped pairs
               i = math.max(1, i - 1)
               write("back\n")
            end
         else
            write("(s, d, k, u or q)\n")
         end
      end
   end)
   restore()
   if not ok then
      h.out(io_.stderr, "parley: review stopped: ", tostring(err), "\n")
   end
   local lines = {}
   for k, d in ipairs(decided) do lines[k] = d.line end
   local code = append_decisions(path, lines, h, io_)
   if code == EXIT_OK then
      write(string.format("\n%d decision%s written to %s\n", #lines, #lines == 1 and "" or "s", path))
   end
   return ok and code or EXIT_FAILED
end

---------------------------------------------------------------------------- through a spreadsheet

local CSV_COLUMNS = { "decision", "score", "entry_a", "name_a", "born_a", "where_a", "entry_b", "name_b", "born_b",
   "where_b", "explanation", "note" }

local csv_field = text.csv_field -- formula-guarded and quoted as every CSV parley writes

function cli_people.export_csv(pairs_, path, h, io_)
   local lines = { table.concat(CSV_COLUMNS, ",") }
   for _, p in ipairs(pairs_) do
      local row = { "", string.format("%.3f", p.score), p.a.id, p.a.written or p.a.names[1], p.a.born,
         entry_where(p.a), p.b.id, p.b.written or p.b.names[1], p.b.born, entry_where(p.b), p.explanation, "" }
      for k = 1, #CSV_COLUMNS do row[k] = csv_field(row[k]) end
      lines[#lines + 1] = table.concat(row, ",")
   end
   if not h.write_output(path, table.concat(lines, "\r\n") .. "\r\n", io_) then return EXIT_FAILED end
   h.out(io_.stdout, string.format("%d pair%s written to %s\n", #pairs_, #pairs_ == 1 and "" or "s", path))
   return EXIT_OK
end

function cli_people.import_csv(path, out_path, by, h, io_)
   local f, err = io.open(path, "rb")
   if not f then
      h.out(io_.stderr, "parley: ", err, "\n")
      return EXIT_INPUT
   end
   local rows, problems_read = require("parley.core").read_csv(f:read("a"), { delimiter = "," })
   f:close()
   if not rows then
      h.out(io_.stderr, "parley: ", path, ": ", tostring(problems_read), "\n")
      return EXIT_INPUT
   end
   local header = rows[1] or {}
   local col = {}
   for k, name in ipairs(header) do col[name] = k end
   for _, need in ipairs({ "decision", "entry_a", "entry_b" }) do
      if not col[need] then
         h.out(io_.stderr, string.format("parley: %s:1: no column %s (parley review --export writes it)\n", path, need))
         return EXIT_INPUT
      end
   end
   local lines, problems = {}, {}
   for r = 2, #rows do
      local row = rows[r]
      local decision = (row[col.decision] or ""):lower():gsub("^%s+", ""):gsub("%s+$", "")
      if decision == "same" or decision == "different" then
         local note = col.note and row[col.note] ~= "" and row[col.note] or nil
         lines[#lines + 1] = decision_line(decision, row[col.entry_a], row[col.entry_b], by, note)
      elseif decision ~= "" and decision ~= "skip" then
         problems[#problems + 1] = string.format("%s:%d:%d: decision is same, different, skip or empty, not '%s'",
            path, r, col.decision, decision)
      end
   end
   if #problems > 0 then
      h.out(io_.stderr, table.concat(problems, "\n"), "\n")
      return EXIT_INPUT
   end
   local code = append_decisions(out_path, lines, h, io_)
   if code == EXIT_OK then
      h.out(io_.stdout, string.format("%d decision%s written to %s\n", #lines, #lines == 1 and "" or "s", out_path))
   end
   return code
end

return cli_people
