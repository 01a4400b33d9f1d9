/* Stand-in powershell.exe for the Windows lane: records that something ran
   PowerShell (with its command line) in C:\powershell-ran.txt, then fails.
   The client must never start PowerShell (agency AppLocker rules block it). */
#include <windows.h>
#include <stdio.h>

int main(void)
{
	FILE *f = fopen("C:\\powershell-ran.txt", "a");
	if (f) {
		fprintf(f, "%s\n", GetCommandLineA());
		fclose(f);
	}
	return 1;
}
