; Tilaussilta's Windows installer (NSIS 3, makensis from Debian's nsis).
; Per user, no admin rights: the program goes to %LOCALAPPDATA%\Programs\Tilaussilta,
; the Start menu entry and the start-at-login value (HKCU Run) are the user's own.
; The user's settings (%APPDATA%\orderbridge) and history (%LOCALAPPDATA%\orderbridge)
; are never touched by an install or upgrade, and by the uninstaller only when asked.
;
; Silent switches, for offices deploying to many machines:
;   Tilaussilta-Setup-VERSION.exe /S [/AUTOSTART] [/D=C:\path]   install or upgrade
;   "%LOCALAPPDATA%\Programs\Tilaussilta\uninstall.exe" /S [/REMOVEDATA] [/REMOVEKEYS]
;
; makensis -DVERSION=… -DVERSION_DOTS=a.b.c.d -DSRCDIR=bin/windows -DOUTFILE=… installer.nsi

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma

!define APPNAME "Tilaussilta"
!define APPID "fi.tilaussilta.orderbridge"   ; the Run value's name, as the app's own setting writes it
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define DATADIR "orderbridge"                ; settings.AppDir, under %APPDATA% and %LOCALAPPDATA%
!define KEYRING "orderbridge"                 ; secret.DefaultService: Credential Manager targets "orderbridge:NAME"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh

Name "${APPNAME}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
InstallDirRegKey HKCU "Software\${APPNAME}" "InstallDir"

VIProductVersion "${VERSION_DOTS}"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME} ${VERSION} -asennus"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${APPNAME}"

!define MUI_ICON "${SRCDIR}\icon.ico"
!define MUI_UNICON "${SRCDIR}\icon.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\Tilaussilta.exe"
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Finnish"
!insertmacro MUI_LANGUAGE "English"

LangString SecApp ${LANG_FINNISH} "Tilaussilta"
LangString SecApp ${LANG_ENGLISH} "Tilaussilta"
LangString SecLogin ${LANG_FINNISH} "Käynnistä kirjautuessa (ilmoitusalueelle)"
LangString SecLogin ${LANG_ENGLISH} "Start at login (in the notification area)"
LangString SecData ${LANG_FINNISH} "Poista myös historia ja asetukset"
LangString SecData ${LANG_ENGLISH} "Also remove the history and settings"
LangString SecKeys ${LANG_FINNISH} "Poista myös API-avain ja salasanat Windowsin tunnistetietojen hallinnasta"
LangString SecKeys ${LANG_ENGLISH} "Also remove the API key and passwords from Windows Credential Manager"
LangString StillRunning ${LANG_FINNISH} "Tilaussilta on yhä käynnissä eikä sulkeutunut. Sulje se ja yritä uudelleen."
LangString StillRunning ${LANG_ENGLISH} "Tilaussilta is still running and did not close. Close it and try again."

; StopRunning asks a running copy to quit, since Windows will not replace a
; running .exe. The single-instance endpoint's quit request is not there yet,
; so this closes it by process name: first politely (taskkill sends WM_CLOSE),
; then, after 5 s, by force. A forced stop in the middle of a send is safe:
; the history's claim makes the next send reconcile that order, never send it twice.
!macro StopRunning un
Function ${un}StopRunning
	nsExec::Exec 'taskkill /IM Tilaussilta.exe'
	Pop $0
	StrCpy $1 0
	${Do}
		Call ${un}Running
		Pop $0
		${IfThen} $0 == 0 ${|} ${ExitDo} ${|}
		${If} $1 == 10
			nsExec::Exec 'taskkill /F /IM Tilaussilta.exe'
			nsExec::Exec 'taskkill /F /IM orderbridge.exe'
		${EndIf}
		${If} $1 >= 40
			MessageBox MB_ICONSTOP "$(StillRunning)" /SD IDOK
			Abort
		${EndIf}
		Sleep 500
		IntOp $1 $1 + 1
	${Loop}
FunctionEnd

; Running pushes 1 while an installed .exe cannot be opened for writing
; (Windows locks a running program's file), else 0.
Function ${un}Running
	${ForEach} $2 0 1 + 1
		${If} $2 == 0
			StrCpy $3 "$INSTDIR\Tilaussilta.exe"
		${Else}
			StrCpy $3 "$INSTDIR\orderbridge.exe"
		${EndIf}
		${If} ${FileExists} $3
			ClearErrors
			FileOpen $4 $3 a
			${If} ${Errors}
				Push 1
				Return
			${EndIf}
			FileClose $4
		${EndIf}
	${Next}
	Push 0
FunctionEnd
!macroend
!insertmacro StopRunning ""
!insertmacro StopRunning "un."

Section "$(SecApp)" SecAppID
	SectionIn RO
	Call StopRunning
	SetOutPath "$INSTDIR"
	File "${SRCDIR}\Tilaussilta.exe"
	File "${SRCDIR}\orderbridge.exe"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\Tilaussilta.exe"
	WriteRegStr HKCU "Software\${APPNAME}" "InstallDir" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${APPNAME}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\Tilaussilta.exe"
	WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

; The Run value has the same name and form as the app's own start-at-login
; switch writes (internal/autostart), so either can turn it off.
Section /o "$(SecLogin)" SecLoginID
	WriteRegStr HKCU "${RUNKEY}" "${APPID}" '"$INSTDIR\Tilaussilta.exe" "--tray"'
SectionEnd

Section "-login off"
	${IfNot} ${SectionIsSelected} ${SecLoginID}
		DeleteRegValue HKCU "${RUNKEY}" "${APPID}"
	${EndIf}
SectionEnd

Function .onInit
	; An upgrade keeps start at login as it was; /AUTOSTART turns it on.
	ReadRegStr $0 HKCU "${RUNKEY}" "${APPID}"
	${GetParameters} $1
	ClearErrors
	${GetOptions} $1 "/AUTOSTART" $2
	${If} $0 != ""
	${OrIfNot} ${Errors}
		!insertmacro SelectSection ${SecLoginID}
	${EndIf}
FunctionEnd

Section "un.$(SecApp)" UnSecAppID
	SectionIn RO
	Call un.StopRunning
	DeleteRegValue HKCU "${RUNKEY}" "${APPID}"
	Delete "$SMPROGRAMS\${APPNAME}.lnk"
	Delete "$INSTDIR\Tilaussilta.exe"
	Delete "$INSTDIR\orderbridge.exe"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	DeleteRegKey HKCU "${UNINSTKEY}"
	DeleteRegKey HKCU "Software\${APPNAME}"
SectionEnd

Section /o "un.$(SecData)" UnSecDataID
	RMDir /r "$APPDATA\${DATADIR}"
	RMDir /r "$LOCALAPPDATA\${DATADIR}"
SectionEnd

; Every Credential Manager entry of the service, "orderbridge:*": the
; Procountor key and secret and each mailbox's password.
Section /o "un.$(SecKeys)" UnSecKeysID
	System::Call 'advapi32::CredEnumerateW(w "${KEYRING}:*", i 0, *i .r1, *p .r2) i .r0'
	${If} $0 <> 0
		${ForEach} $3 0 $1 + 1
			${IfThen} $3 == $1 ${|} ${ExitFor} ${|}
			IntOp $4 $3 * 8
			IntPtrOp $4 $2 + $4
			System::Call '*$4(p .r5)'            ; CREDENTIALW*
			System::Call '*$5(i, i, p .r6)'      ; Flags, Type, TargetName
			System::Call 'kernel32::lstrcpynW(w .r7, p r6, i ${NSIS_MAX_STRLEN})'
			System::Call 'advapi32::CredDeleteW(w r7, i 1, i 0) i .r8'
			DetailPrint "Credential Manager: $7 removed ($8)"
		${Next}
		System::Call 'advapi32::CredFree(p r2)'
	${EndIf}
SectionEnd

Function un.onInit
	${GetParameters} $1
	ClearErrors
	${GetOptions} $1 "/REMOVEDATA" $2
	${IfNot} ${Errors}
		!insertmacro SelectSection ${UnSecDataID}
	${EndIf}
	ClearErrors
	${GetOptions} $1 "/REMOVEKEYS" $2
	${IfNot} ${Errors}
		!insertmacro SelectSection ${UnSecKeysID}
	${EndIf}
FunctionEnd
