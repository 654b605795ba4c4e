-- Run by tests/integration/realprogs.sh as a static musl Linux program and
-- as a uk image; both must print the same. A module beside the script, a
-- data file, stdin to EOF, a temporary file, formatted numbers.
local dir = arg[0]:match("(.*/)") or "./"
package.path = dir .. "?.lua;" .. package.path
local greet = require("greet")
print(greet.hello("uk"))
local f = assert(io.open(dir .. "data.txt"))
print("data:", f:read("l"))
f:close()
local input = io.read("a")
local lines = 0
for _ in input:gmatch("[^\n]+") do lines = lines + 1 end
print("stdin bytes", #input, "lines", lines, "last", input:match("([^\n]*)$"))
local name = os.tmpname()
local t = assert(io.open(name, "w"))
t:write("written ", 42, "\n")
t:close()
t = assert(io.open(name))
print("tmp:", t:read("a"))
t:close()
print("remove", os.remove(name), io.open(name) == nil)
print(string.format("%.5f %d %s", math.pi, 7 // 2, tostring(2^53)))
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:upper() end
table.sort(words)
print(table.concat(words, ","))
print("time is a number", type(os.time()) == "number")
os.exit(3)
