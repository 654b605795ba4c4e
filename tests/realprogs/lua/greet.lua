local M = {}
function M.hello(who) return "hello, " .. who .. " (from a module)" end
return M
