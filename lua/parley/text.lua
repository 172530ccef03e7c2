-- SPDX-License-Identifier: MIT
-- Small text helpers shared by the validators, the reports and the command line: "did you
-- mean" suggestions, the script a name is written in, text from the data made safe to print on
-- a terminal, and a CSV cell no spreadsheet runs as a formula.

local text = {}

-- Edit distance between two UTF-8 strings, by code point (for suggestions only: the name
-- matcher has its own, in C).
local function distance(a, b)
   local ca, cb = {}, {}
   for _, c in utf8.codes(a) do ca[#ca + 1] = c end
   for _, c in utf8.codes(b) do cb[#cb + 1] = c end
   local prev, cur = {}, {}
   for j = 0, #cb do prev[j] = j end
   for i = 1, #ca do
      cur[0] = i
      for j = 1, #cb do
         local cost = ca[i] == cb[j] and 0 or 1
         cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      end
      prev, cur = cur, prev
   end
   return prev[#cb]
end

-- " (did you mean 'holder'?)" when a candidate is close to word, else "".
function text.did_you_mean(word, candidates)
   -- a suggestion for one or two letters would be a guess
   if not utf8.len(word) or utf8.len(word) < 3 then return "" end
   local best, best_d
   local limit = math.max(1, math.min(3, utf8.len(word) // 3))
   local lower = word:lower()
   for _, c in ipairs(candidates) do
      if type(c) == "string" and utf8.len(c) then
         local d = distance(lower, c:lower())
         -- an abbreviation ("secs" for "seconds") is as good as a near miss
         if c:lower():sub(1, #lower) == lower then d = math.min(d, 1) end
         if d <= limit and (not best_d or d < best_d) then best, best_d = c, d end
      end
   end
   return best and string.format(" (did you mean '%s'?)", best) or ""
end

-- The script of a name: "Armenian", "Cyrillic", "Latin", "Greek", "Georgian", "Arabic", "other",
-- "mixed" (letters of two scripts) or "unknown" (no letter, or not UTF-8). Every name of an
-- import is classified (parley.record_schema), so it is done in C (src/text_script.c, where the
-- scripts' ranges are): U+0530-058F and U+FB13-FB17 Armenian, U+0400-052F Cyrillic,
-- U+0041-02AF and U+1E00-1EFF Latin (Azerbaijani ə is U+0259), U+0370-03FF Greek, U+10A0-10FF
-- Georgian, U+0600-06FF Arabic.
text.script = require("parley.core").text_script

---------------------------------------------------------------------------- printing data

-- How each C0 control that has a familiar escape is shown; the others as \xNN.
local NAMED = { [0] = "\\0", [7] = "\\a", [8] = "\\b", [9] = "\\t", [10] = "\\n", [11] = "\\v", [12] = "\\f",
   [13] = "\\r", [27] = "\\e" }

-- Code points beyond ASCII a terminal acts on or that re-order or break what is shown: the C1
-- controls (U+009B is CSI, U+009D OSC), the line and paragraph separators, the bidirectional
-- embeddings, overrides and isolates ("Trojan source").
local function is_active(c)
   return (c >= 0x80 and c <= 0x9F) or c == 0x2028 or c == 0x2029 or (c >= 0x202A and c <= 0x202E) or
      (c >= 0x2066 and c <= 0x2069)
end

local function shown_byte(b)
   return NAMED[b] or string.format("\\x%02x", b)
end

-- text.printable(s, continuation): s with every control character a terminal would act on shown
-- as an escape a reader can see (ESC as \e, BEL as \a, C1 controls as \u{9b}, bytes that are not
-- UTF-8 as \xNN), so data printed by parley can neither drive the terminal (colours, titles,
-- OSC 8 links, cursor moves) nor forge a line of output. A line break is kept and followed by
-- `continuation` (default: two spaces), so a continuation line never starts where a line of
-- parley's own does; with continuation = false it is shown as \n (a table cell). A tab is
-- kept in text and shown as \t in a cell. Anything that is not a string is tostring'ed.
function text.printable(s, continuation)
   s = tostring(s)
   if continuation == nil then continuation = "  " end
   if not s:find("[%z\1-\31\127-\255]") then return s end
   local out, i, n = {}, 1, #s
   while i <= n do
      local j = s:find("[%z\1-\31\127-\255]", i)
      if not j then
         out[#out + 1] = s:sub(i)
         break
      end
      if j > i then out[#out + 1] = s:sub(i, j - 1) end
      local b = s:byte(j)
      i = j + 1
      if b == 10 and continuation then
         out[#out + 1] = "\n" .. continuation
      elseif b == 9 and continuation then
         out[#out + 1] = "\t"
      elseif b < 0x80 then
         out[#out + 1] = shown_byte(b)
      else
         local seq = s:match("^[\194-\244][\128-\191]*", j)
         local c = seq and #seq <= 4 and utf8.len(seq) == 1 and utf8.codepoint(seq)
         if not c then
            out[#out + 1] = shown_byte(b)
         else
            out[#out + 1] = is_active(c) and string.format("\\u{%x}", c) or seq
            i = j + #seq
         end
      end
   end
   return table.concat(out)
end

-- text.printable_lines(s): each line of a message of several lines (parley's own line breaks,
-- as in a list of problems) made printable, the breaks kept as they are.
function text.printable_lines(s)
   return (tostring(s):gsub("[^\n]+", function(line) return text.printable(line) end))
end

---------------------------------------------------------------------------- CSV cells

-- text.csv_field(v): one CSV field. A cell from the data that starts with = + - @, a tab or a
-- carriage return gets a leading apostrophe, so no spreadsheet reads it as a formula (a
-- spreadsheet drops a leading tab or CR and then evaluates what follows); then it is quoted as
-- RFC 4180 requires (a comma, a quote or a line break).
function text.csv_field(v)
   local s = v == nil and "" or tostring(v)
   if s:match("^[=+%-@\t\r]") then s = "'" .. s end
   if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
   return s
end

return text
