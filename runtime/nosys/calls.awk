# Which system calls each member of an x86_64 libc.a makes, from
# `objdump -dr --no-show-raw-insn libc.a`: prints "MEMBER NR" lines.
#
# A call is `syscall` with %eax loaded by `mov $NR` (or by `mov %reg,%rax`
# from a register loaded by `mov $NR`), or a call or tail jump to
# __syscall_cp (musl's cancellable calls) with NR in %edi. Registers are
# followed in instruction order within one function, and forgotten at a
# call (which clobbers them) or when a register is written another way, so
# a number is only recorded when it is certain in straight-line code; a
# call whose number comes from elsewhere (syscall(), computed numbers) is
# not recorded.
function reg(r) {
	sub(/^%/, "", r)
	if (r ~ /^r[0-9]+[dwb]?$/) { sub(/[dwb]$/, "", r); return r }
	if (r ~ /^[re]?(ax|bx|cx|dx|si|di|bp|sp)$/) { sub(/^[re]/, "", r); return r }
	if (r ~ /^(al|bl|cl|dl)$/) return substr(r, 1, 1) "x"
	return r
}
function hex(s,   v, i) {
	v = 0
	for (i = 3; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
function forget() { delete imm }
function record(nr) { if (nr != "") seen[member " " nr] = 1 }
/^[^ \t].*:[ \t]+file format/ { member = $1; sub(/:$/, "", member); forget(); next }
/^[0-9a-f]+ <.*>:$/ { forget(); next }
/^[ \t]+[0-9a-f]+: R_X86_64_(PLT32|PC32)[ \t]/ {
	if (last ~ /^(call|jmp)/ && ($3 ~ /^__syscall_cp(_c)?[-+]/ || $3 == "__syscall_cp"))
		record(imm["di"])
	if (last ~ /^call/)
		forget()
	next
}
/^[ \t]+[0-9a-f]+:\t/ {
	line = $0
	sub(/^[ \t]+[0-9a-f]+:\t/, "", line)
	sub(/[ \t]+#.*$/, "", line)
	op = line; sub(/[ \t].*$/, "", op)
	args = line; sub(/^[^ \t]+[ \t]*/, "", args)
	last = op
	if (op == "syscall") { record(imm["ax"]); delete imm["ax"]; delete imm["cx"]; delete imm["r11"]; next }
	if (op ~ /^call/) { next } # forgotten after its relocation line
	n = split(args, a, ",")
	dst = n ? reg(a[n]) : ""
	if (op ~ /^mov[lq]?$/ && n == 2 && a[1] ~ /^\$0x[0-9a-f]+$/ && a[2] ~ /^%/) {
		imm[dst] = hex(substr(a[1], 2)); next
	}
	if (op ~ /^mov[lq]?$/ && n == 2 && a[1] ~ /^%/ && a[2] ~ /^%/) {
		src = reg(a[1]); if (src in imm) imm[dst] = imm[src]; else delete imm[dst]; next
	}
	if (n && a[n] ~ /^%/) delete imm[dst]
	if (op ~ /^(jmp|ret)/) forget()
}
END { for (k in seen) print k }
