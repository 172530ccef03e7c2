-- SPDX-License-Identifier: MIT

--- parley.yaml: YAML 1.2 (core schema) to Lua values and back, on libyaml.
-- The C functions of parley.core.yaml (see docs/yaml.md) raise on any error; this module
-- gives load, load_all and load_file parley's failure convention: text that is not valid YAML
-- (or a file that cannot be read) is an expected failure and returns nil and a message; misuse
-- (an argument of the wrong type, an unknown or bad option) raises. dump raises: what it is
-- given comes from code, not from input. `null` is the YAML null, `parley.null` (nil cannot be
-- a value in a Lua table). docs/yaml.md has the options and the schema.
-- @module parley.yaml
local core = require "parley.core"

local cyaml = core.yaml

--- Options for loading the file at path: the caller's, with the path as the error name.
local function file_options(path, opts)
   local copy = { name = path }
   for k, v in pairs(opts or {}) do
      if k ~= "name" then
         copy[k] = v
      end
   end
   return copy
end

--- The whole content of the file at path, or nil and the reason.
local function read_file(path)
   local f, err = io.open(path, "rb")
   if not f then
      return nil, err
   end
   local text, rerr = f:read("a")
   f:close()
   if not text then
      return nil, path .. ": " .. tostring(rerr)
   end
   return text
end

--- Calls one of the C loaders; bad YAML becomes nil and the message, misuse is raised again
-- at the caller's level. The C loaders say "bad option:" and "bad argument" only for misuse.
-- The line of text (1-based), or "".
local function line_of(text, n)
   local i = 0
   for line in (text .. "\n"):gmatch("([^\n]*)\n") do
      i = i + 1
      if i == n then return line end
   end
   return ""
end

-- libyaml's words for the mistakes people make most, with what to do about them. "mapping
-- values are not allowed" is a hint only when the line has a key before the colon libyaml
-- stopped at (text: he said: no); the same words for a badly indented key need no such hint.
local function with_hint(message, text)
   local line, col = message:match(":(%d+):(%d+): mapping values are not allowed in this context")
   if line and type(text) == "string" then
      local before = line_of(text, tonumber(line)):sub(1, tonumber(col) - 1)
      if before:find("^%s*[^%s#][^:]*: ") then
         return message .. " (a plain value cannot contain ': ': quote it, as in text: \"he said: no\")"
      end
   end
   if message:find("found character that cannot start any token", 1, true) then
      local l, c = message:match(":(%d+):(%d+): found character")
      local ch = l and line_of(text or "", tonumber(l)):sub(tonumber(c), tonumber(c))
      if ch == "@" or ch == "`" then
         return message .. " (a value starting with " .. ch .. " must be quoted)"
      end
   end
   return message
end

local function loaded(level, text, ok, ...)
   if ok then return ... end
   local message = tostring((...))
   if message:find("^bad option:") or message:find("^bad argument") then error(message, level + 1) end
   return nil, with_hint(message, text)
end

local function call_loader(loader, level, text, opts)
   return loaded(level + 1, text, pcall(loader, text, opts))
end

--- Loads the single document of a YAML text.
-- @function load
-- @tparam string text the YAML
-- @tparam[opt] table opts `name` (for messages; default "<string>"), `schema` ("1.2" or "1.1"),
-- `tags` (handlers of other tags), `marks` (also return where each value was written), and the
-- limits of docs/yaml.md
-- @return the value (nil for a stream with no document), and the marks table with `opts.marks`
-- @return or nil and a message "name:line:col: problem" when the text is not valid YAML (with
-- a hint for the common mistakes)
-- @raise when text is not a string, or an option is unknown or malformed
local function load(text, opts)
   if type(text) ~= "string" then
      error("bad argument #1 to 'load' (string expected, got " .. type(text) .. ")", 2)
   end
   return call_loader(cyaml.load, 2, text, opts)
end

--- Loads every document of a YAML stream.
-- @function load_all
-- @tparam string text the YAML
-- @tparam[opt] table opts as for `load`
-- @treturn table the list of documents, and the marks with `opts.marks`
-- @return or nil and a message "name:line:col: problem"
-- @raise as `load`
local function load_all(text, opts)
   if type(text) ~= "string" then
      error("bad argument #1 to 'load_all' (string expected, got " .. type(text) .. ")", 2)
   end
   return call_loader(cyaml.load_all, 2, text, opts)
end

--- Loads the single document of the file at path (the path is the name in messages).
-- @function load_file
-- @tparam string path the file
-- @tparam[opt] table opts as for `load`
-- @return the value, and the marks with `opts.marks`
-- @return or nil and a message "path:line:col: problem" when the file cannot be read or is not
-- valid YAML
-- @raise when path is not a string or opts not a table
local function load_file(path, opts)
   if type(path) ~= "string" then
      error("bad argument #1 to 'load_file' (string expected, got " .. type(path) .. ")", 2)
   end
   if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #2 to 'load_file' (table expected, got " .. type(opts) .. ")", 2)
   end
   local text, err = read_file(path)
   if not text then
      return nil, err
   end
   local value, marks = call_loader(cyaml.load, 2, text, file_options(path, opts))
   if value == nil and type(marks) == "string" then return nil, marks end
   if opts and opts.marks then
      return value, marks
   end
   return value
end

--- Writes a value as YAML text: block style, keys sorted, strings quoted where they would read
-- back as something else, so that `load` reads the text back as the value.
-- @function dump
-- @param value a table, string, number, boolean or `parley.null`
-- @tparam[opt] table opts `indent` (2 to 9, default 2), `max_depth` (default 1000)
-- @treturn string the YAML
-- @raise on a value YAML cannot hold (a function, a cycle, a key of another type): what dump
-- is given comes from code, not from input

return {
   load = load,
   load_all = load_all,
   load_file = load_file,
   dump = cyaml.dump,
   null = core.null,
}
