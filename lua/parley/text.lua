-- SPDX-License-Identifier: MIT
-- Small text helpers shared by the validators and the command line: "did you mean"
-- suggestions and the script a name is written in.

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

local SCRIPTS = {
   { 0x0530, 0x058F, "Armenian" }, { 0xFB13, 0xFB17, "Armenian" },
   { 0x0400, 0x052F, "Cyrillic" },
   { 0x0041, 0x024F, "Latin" }, { 0x0250, 0x02AF, "Latin" }, -- IPA letters: Azerbaijani ə is U+0259
   { 0x1E00, 0x1EFF, "Latin" },
   { 0x0370, 0x03FF, "Greek" }, { 0x10A0, 0x10FF, "Georgian" }, { 0x0600, 0x06FF, "Arabic" },
}

-- The script of a name: "Armenian", "Cyrillic", "Latin", ..., "mixed" or "unknown".
function text.script(s)
   if not utf8.len(s) then return "unknown" end
   local found
   for _, c in utf8.codes(s) do
      local is_letter = c >= 0x41 and not (c >= 0x5B and c <= 0x60) and not (c >= 0x7B and c <= 0xBF)
      if is_letter then
         local name
         for _, r in ipairs(SCRIPTS) do
            if c >= r[1] and c <= r[2] then name = r[3] break end
         end
         name = name or "other"
         if found and found ~= name then return "mixed" end
         found = name
      end
   end
   return found or "unknown"
end

return text
