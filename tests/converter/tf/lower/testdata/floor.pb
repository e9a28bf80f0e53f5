
6
xPlaceholder*
dtype0*
shape:

floorFloorx*
T0