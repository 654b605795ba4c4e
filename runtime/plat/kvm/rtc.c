/* Wall clock from the CMOS RTC, read once for CLOCK_REALTIME. */
#include "cpu.h"
#include "kernel.h"

__uk_cold static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

__uk_cold static unsigned bcd(uint8_t v, int binary)
{
	return binary ? v : (v & 15) + (v >> 4) * 10;
}

__uk_cold static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	/* days since 1970-01-01 of a Gregorian date */
	y -= m <= 2;
	uint64_t era = y / 400, yoe = y - era * 400;
	uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

__uk_cold uint64_t uk_plat_wallclock(void)
{
	for (int tries = 0; tries < 1000000 && (cmos(0x0a) & 0x80); tries++)
		cpu_relax(); /* update in progress */
	uint8_t b = cmos(0x0b);
	int bin = b & 4;
	unsigned s = bcd(cmos(0x00), bin), mi = bcd(cmos(0x02), bin);
	uint8_t hr = cmos(0x04);
	unsigned h = bcd(hr & 0x7f, bin);
	if (!(b & 2) && (hr & 0x80)) /* 12-hour clock */
		h = (h % 12) + 12;
	unsigned d = bcd(cmos(0x07), bin), mo = bcd(cmos(0x08), bin);
	unsigned y = bcd(cmos(0x09), bin) + 2000;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}
