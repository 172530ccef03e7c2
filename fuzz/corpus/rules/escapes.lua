-- Reaches for everything a rule must not have; logs what each attempt gave.
return {
   id = "hostile.escapes", version = "1",
   run = function(ctx)
      local attempts = {
         debug = function() return debug.getinfo(1) end,
         io = function() return io.open("/etc/passwd") end,
         os_execute = function() return os.execute("true") end,
         os_getenv = function() return os.getenv("HOME") end,
         os_exit = function() return os.exit(1) end,
         os_remove = function() return os.remove("/tmp/x") end,
         package_loadlib = function() return package.loadlib("libc.so.6", "system") end,
         require_io = function() return require("io") end,
         require_os = function() return require("os") end,
         core_connect = function() return require("parley.core").connect(":memory:") end,
         dofile = function() return dofile("/etc/passwd") end,
         loadfile = function() return loadfile("/etc/passwd") end,
         collect = function() return collectgarbage("collect") end,
         gc_metamethod = function() return setmetatable({}, { __gc = function() while true do end end }) end,
         string_mt = function() getmetatable("").__index = {} end,
      }
      local names = {}
      for name in pairs(attempts) do names[#names + 1] = name end
      table.sort(names)
      for _, name in ipairs(names) do
         ctx.log(name, pcall(attempts[name]))
      end
      ctx.log("count", type(collectgarbage("count")))
      ctx.log("string_metatable", getmetatable(""))
   end,
}
