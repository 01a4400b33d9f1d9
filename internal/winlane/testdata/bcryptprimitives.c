/* bcryptprimitives.dll for Wine 8, which lacks it: Go 1.22+ executables
   import ProcessPrng from it at start. This one forwards to RtlGenRandom
   (advapi32!SystemFunction036). Test use only: the Windows lane copies it
   into a throw-away Wine prefix's system32. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
