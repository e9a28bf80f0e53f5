
6
xPlaceholder*
dtype0*
shape:
2
yPlaceholder*
dtype0*
shape
:

lessLessxy*
T0
'
selectSelectV2lessxy*
T0