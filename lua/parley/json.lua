-- SPDX-License-Identifier: MIT

--- A small, strict JSON encoder and decoder for what parley stores and prints: evidence and
-- measures of findings, lists of tags, and the JSON report format. Encoding is deterministic
-- (object keys sorted) so equal values give equal text; integers stay integers. `null` is
-- `parley.null`, JSON's null. Also `parley.json`.
-- @module parley.json

local json = {}

local core = require "parley.core"
local null = core.null
local json_encode = core.json_encode
json.null = null

-- The most bytes json.encode writes unless opts.max_bytes says otherwise. A table shared by
-- several parents (a YAML alias) is written out once per parent, so a value that is small in
-- memory can be enormous as text; past the budget the encoder raises instead of filling memory.
json.MAX_BYTES = 256 * 1024 * 1024

--- Encodes a value as JSON text: object keys sorted, a table whose keys are exactly 1..n (or
-- none) an array, integers without a fraction.
-- @param v a table, string, number, boolean or parley.null
-- @tparam[opt] table opts `max_bytes`: the longest text it may write (default `json.MAX_BYTES`,
-- 256 MiB; a table shared by several parents is written once for each)
-- @treturn string the JSON
-- @raise on a value JSON cannot hold (a function, a userdata other than parley.null, a cycle,
-- a key that is neither a string nor a number), or a text longer than `opts.max_bytes`
function json.encode(v, opts)
   local max_bytes = opts and opts.max_bytes or json.MAX_BYTES
   if math.type(max_bytes) ~= "integer" or max_bytes < 0 then
      error("bad option to 'json.encode' (max_bytes must be a non-negative integer)", 2)
   end
   -- the canonical form has one writer, in C (src/digest.c), which the digests share
   return json_encode(v, max_bytes)
end

-- Decoding ------------------------------------------------------------------

local function decode_error(_, pos, what)
   error(string.format("JSON: %s at byte %d", what, pos), 0)
end

local function skip(s, pos)
   return s:find("[^ \t\r\n]", pos) or #s + 1
end

local decode_value

local function utf8_char(code)
   return utf8.char(code)
end

local function decode_string(s, pos)
   local out, i = {}, pos + 1
   while true do
      local j = s:find('["\\%c]', i)
      if not j then decode_error(s, pos, "unterminated string") end
      out[#out + 1] = s:sub(i, j - 1)
      local c = s:sub(j, j)
      if c == '"' then return table.concat(out), j + 1 end
      if c ~= "\\" then decode_error(s, j, "control character in string") end
      local e = s:sub(j + 1, j + 1)
      local simple = ({ ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" })[e]
      if simple then
         out[#out + 1] = simple
         i = j + 2
      elseif e == "u" then
         local hex = s:match("^%x%x%x%x", j + 2)
         if not hex then decode_error(s, j, "bad \\u escape") end
         local code = tonumber(hex, 16)
         i = j + 6
         if code >= 0xD800 and code <= 0xDBFF then
            local low = s:match("^\\u(%x%x%x%x)", i)
            local lo = low and tonumber(low, 16)
            if lo and lo >= 0xDC00 and lo <= 0xDFFF then
               code = 0x10000 + (code - 0xD800) * 0x400 + (lo - 0xDC00)
               i = i + 6
            end
         end
         out[#out + 1] = utf8_char(code)
      else
         decode_error(s, j, "bad escape")
      end
   end
end

local function decode_number(s, pos)
   local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
   if not num or num == "" or num == "-" then decode_error(s, pos, "bad number") end
   local v
   if num:find("[%.eE]") then
      v = tonumber(num)
   else
      v = math.tointeger(tonumber(num)) or tonumber(num)
   end
   if not v then decode_error(s, pos, "bad number") end
   return v, pos + #num
end

function decode_value(s, pos, depth)
   if depth > 200 then decode_error(s, pos, "nesting too deep") end
   pos = skip(s, pos)
   local c = s:sub(pos, pos)
   if c == "{" then
      local t = {}
      pos = skip(s, pos + 1)
      if s:sub(pos, pos) == "}" then return t, pos + 1 end
      while true do
         if s:sub(pos, pos) ~= '"' then decode_error(s, pos, "expected a string key") end
         local k
         k, pos = decode_string(s, pos)
         pos = skip(s, pos)
         if s:sub(pos, pos) ~= ":" then decode_error(s, pos, "expected ':'") end
         t[k], pos = decode_value(s, pos + 1, depth + 1)
         pos = skip(s, pos)
         local d = s:sub(pos, pos)
         if d == "}" then return t, pos + 1 end
         if d ~= "," then decode_error(s, pos, "expected ',' or '}'") end
         pos = skip(s, pos + 1)
      end
   elseif c == "[" then
      local t, n = {}, 0
      pos = skip(s, pos + 1)
      if s:sub(pos, pos) == "]" then return t, pos + 1 end
      while true do
         n = n + 1
         t[n], pos = decode_value(s, pos, depth + 1)
         pos = skip(s, pos)
         local d = s:sub(pos, pos)
         if d == "]" then return t, pos + 1 end
         if d ~= "," then decode_error(s, pos, "expected ',' or ']'") end
         pos = pos + 1
      end
   elseif c == '"' then
      return decode_string(s, pos)
   elseif s:find("^true", pos) then
      return true, pos + 4
   elseif s:find("^false", pos) then
      return false, pos + 5
   elseif s:find("^null", pos) then
      return null, pos + 4
   else
      return decode_number(s, pos)
   end
end

--- Decodes a JSON text; JSON null becomes parley.null.
-- @tparam string s the JSON
-- @return the value
-- @raise on malformed input, with the position
function json.decode(s)
   local v, pos = decode_value(s, 1, 0)
   pos = skip(s, pos)
   if pos <= #s then decode_error(s, pos, "trailing characters") end
   return v
end

return json
