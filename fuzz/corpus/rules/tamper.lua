-- Tries to change what vetted modules and later code see: the environment's metatable, the
-- string library, a vetted module. Then checks that parley.json still works.
-- luacheck: ignore 122
return {
   id = "hostile.tamper", version = "1",
   run = function(ctx)
      ctx.log("setmetatable(_G)", pcall(setmetatable, _G, { __index = function() return "pwned" end }))
      ctx.log("string.format=", pcall(function() string.format = function() return "pwned" end end))
      ctx.log("table.insert=", pcall(function() table.insert = nil end))
      ctx.log("rawset(string)", pcall(rawset, string, "format", function() return "pwned" end))
      ctx.log("string.format now", string.format("%d", 1))
      ctx.log("method format", ("%d"):format(1))
      local json = require "parley.json"
      ctx.log("json.encode=", pcall(function() json.encode = function() return "pwned" end end))
      ctx.log("json", json.encode({ 1.5, "a" }))
      local text = require "parley.text"
      ctx.log("text", type(text.did_you_mean))
      local _, state = pairs(string)
      ctx.log("pairs state is the proxy", rawequal(state, string))
      ctx.log("metatables", getmetatable(string), getmetatable(_G), getmetatable(ctx.db), getmetatable(json))
   end,
}
